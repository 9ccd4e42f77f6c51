/**
 * Events of an API key's lifecycle stream. The `type` strings are the stored names:
 * they are part of the log's format and never change, whatever the code is called.
 *
 * One event per kind of change (disabled, enabled, rolled, expired), and one KeyUpdated per PATCH carrying only
 * the fields it changed: a lifecycle step reads as itself in the history and is what the key table and the
 * views switch on, while the edits of one request stay one atomic, one-revision change (one ETag step).
 */
export const API_KEY_EVENT_TYPES = [
  'KeyCreated',
  'KeyRevoked',
  'KeyUpdated',
  'KeyDisabled',
  'KeyEnabled',
  'KeyRolled',
  'KeyExpired',
  'KeySecretReissued',
  'KeyLeakReported',
] as const;
export type ApiKeyEventType = (typeof API_KEY_EVENT_TYPES)[number];
/** The first event of every key's stream: the first one in a log names the log (app/storage/log-identity.ts). */
export const KEY_CREATED: ApiKeyEventType = 'KeyCreated';

/** At most `requests` requests in any `perSeconds` window. */
export interface KeyRateLimit {
  requests: number;
  perSeconds: number;
}

/** KeyCreated as schema version 2 has it; version 1 events are read as version 2 by the codec (upcast). */
export interface KeyCreated {
  type: 'KeyCreated';
  schemaVersion: 2;
  data: {
    keyId: string;
    accountId: string;
    name: string | null;
    /** First characters of the key, safe to display. */
    prefix: string;
    /** SHA-256 (hex) of the whole key; the key itself is never stored. */
    secretHash: string;
    /** The limit in force for this key, fixed at creation (none asked for: the configured default, or the acting key's own when narrower). */
    rateLimit: KeyRateLimit;
    createdAt: string;
    /** The key that authenticated the request, or null for the operator CLI. */
    actingKeyId: string | null;
    /** Normalised permission strings (permissions.ts); ['*'] for everything. Version 1 events: ['*']. */
    permissions: string[];
    /** Normalised addresses and CIDR blocks the key may be used from; [] for anywhere. */
    allowedIps: string[];
    /** When the key stops working; null for never. */
    expiresAt: string | null;
    /** The key this one succeeds when it was created by a roll; null otherwise. */
    rolledFromKeyId: string | null;
  };
}

export interface KeyRevoked {
  type: 'KeyRevoked';
  schemaVersion: 1;
  data: {
    keyId: string;
    accountId: string;
    revokedAt: string;
    actingKeyId: string | null;
  };
}

/** The fields one PATCH changed, and only those (an absent field did not change). */
export interface KeyChanges {
  name?: string | null;
  rateLimit?: KeyRateLimit;
  permissions?: string[];
  allowedIps?: string[];
  expiresAt?: string | null;
}

export interface KeyUpdated {
  type: 'KeyUpdated';
  schemaVersion: 1;
  data: { keyId: string; accountId: string; updatedAt: string; actingKeyId: string | null; changes: KeyChanges };
}

export interface KeyDisabled {
  type: 'KeyDisabled';
  schemaVersion: 1;
  data: { keyId: string; accountId: string; disabledAt: string; actingKeyId: string | null };
}

export interface KeyEnabled {
  type: 'KeyEnabled';
  schemaVersion: 1;
  data: { keyId: string; accountId: string; enabledAt: string; actingKeyId: string | null };
}

/** On the old key's stream: its successor's KeyCreated names it back (rolledFromKeyId). */
export interface KeyRolled {
  type: 'KeyRolled';
  schemaVersion: 1;
  data: {
    keyId: string;
    accountId: string;
    successorKeyId: string;
    rolledAt: string;
    /** The old key works until then (never past its own expiry), then expires. */
    graceEndsAt: string;
    /** Retire the old key once it has gone unused this long after the roll; null: only at the grace end. */
    closeWhenIdleSeconds: number | null;
    actingKeyId: string | null;
  };
}

/**
 * Why a key expired: its own expires_at passed, the grace period of a roll ended, or the rolled key went
 * unused for close_when_idle_seconds.
 */
export const EXPIRY_REASONS = ['expires_at', 'grace_ended', 'idle'] as const;
export type ExpiryReason = (typeof EXPIRY_REASONS)[number];

export interface KeyExpired {
  type: 'KeyExpired';
  schemaVersion: 1;
  data: {
    keyId: string;
    accountId: string;
    /** When the key stopped working (the instant it was due), which may be before this event was appended. */
    expiredAt: string;
    reason: ExpiryReason;
  };
}

/** Why a key's secret was issued anew: a repeated Idempotency-Key (the first answer's secret may have been lost). */
export const SECRET_REISSUE_REASONS = ['idempotent_retry'] as const;
export type SecretReissueReason = (typeof SECRET_REISSUE_REASONS)[number];

/** The key's secret replaced: the one before stops working at once. Same key otherwise (id, name, policies, usage). */
export interface KeySecretReissued {
  type: 'KeySecretReissued';
  schemaVersion: 1;
  data: {
    keyId: string;
    accountId: string;
    /** The new secret's display prefix and SHA-256 (hex); the secret itself is never stored. */
    prefix: string;
    secretHash: string;
    reissuedAt: string;
    reason: SecretReissueReason;
    actingKeyId: string | null;
  };
}

/** The scanners whose reports are taken: GitHub's secret scanning partner program (its signature headers). */
export const LEAK_SCANNERS = ['github'] as const;
export type LeakScanner = (typeof LEAK_SCANNERS)[number];

/** What a leak report does to the key (SECRET_SCANNING_ACTION), and what it did: `none` for a key already ended or disabled. */
export const LEAK_POLICIES = ['revoke', 'disable', 'notify'] as const;
export type LeakPolicy = (typeof LEAK_POLICIES)[number];
export type LeakAction = 'revoked' | 'disabled' | 'none';

/**
 * A scanner found the key's secret in public (a commit, a package). Never the secret: the report's token is hashed at
 * once and matched against the key table; the source URL is recorded redacted, as any client text. The action the
 * policy took follows in the same append (KeyRevoked or KeyDisabled), so the history reads the report, then what it did.
 */
export interface KeyLeakReported {
  type: 'KeyLeakReported';
  schemaVersion: 1;
  data: {
    keyId: string;
    accountId: string;
    reportedAt: string;
    scanner: LeakScanner;
    /** The scanner's name for the pattern it matched (GitHub's `type`), redacted and bounded. */
    tokenType: string;
    /** Where the key was found (GitHub's `url`), redacted and bounded; null when the report gave none. */
    sourceUrl: string | null;
    /** What kind of place it was found in (GitHub's `source`: content, commit, npm, …); null when not given. */
    source: string | null;
    action: LeakAction;
  };
}

export type ApiKeyEvent = KeyCreated | KeyRevoked | KeyUpdated | KeyDisabled | KeyEnabled | KeyRolled | KeyExpired | KeySecretReissued | KeyLeakReported;

/** Each event's field that says when it happened (the decision's clock): the times a key's views show. */
export const OCCURRED_AT_FIELD = {
  KeyCreated: 'createdAt',
  KeyRevoked: 'revokedAt',
  KeyUpdated: 'updatedAt',
  KeyDisabled: 'disabledAt',
  KeyEnabled: 'enabledAt',
  KeyRolled: 'rolledAt',
  KeyExpired: 'expiredAt',
  KeySecretReissued: 'reissuedAt',
  KeyLeakReported: 'reportedAt',
} as const satisfies { [T in ApiKeyEvent['type']]: keyof Extract<ApiKeyEvent, { type: T }>['data'] };

/** Every key's stream starts so, and only key streams do (not api_key_usage-, where the uses go). */
export const API_KEY_STREAM_PREFIX = 'api_key-';
export const apiKeyStreamId = (keyId: string): string => `${API_KEY_STREAM_PREFIX}${keyId}`;

export function isApiKeyEventType(type: string): type is ApiKeyEventType {
  return (API_KEY_EVENT_TYPES as readonly string[]).includes(type);
}
