import type { Decider } from '../../shared/domain/decider.js';
import { parseRfc3339 } from '../../shared/domain/rfc3339.js';
import { redactSecrets } from '../../shared/domain/secret-redaction.js';
import { normaliseAllowedIps } from './allowed-ips.js';
import {
  ExpiryInvalid,
  KeyAlreadyExists,
  KeyNotChangeable,
  KeyNotFound,
  RateLimitInvalid,
  RollInvalid,
} from './api-key-errors.js';
import type { ApiKeyEvent, ExpiryReason, KeyChanges, KeyExpired, KeyRateLimit, LeakAction, LeakPolicy, LeakScanner, SecretReissueReason } from './api-key-events.js';
import { idleEndMs, type KnownUses } from './idle-end.js';
import { keyName } from './key-name.js';
import { type Actor, rateLimitWithin, refuseEscalation } from './no-escalation.js';
import { ALL_PERMISSIONS, normalisePermissions } from './permissions.js';

export type { Actor } from './no-escalation.js';

export const RATE_LIMIT_BOUNDS = { requests: { min: 1, max: 1_000_000 }, perSeconds: { min: 1, max: 86_400 } } as const;
export const ROLL_BOUNDS = { graceSeconds: { min: 0, max: 604_800 }, closeWhenIdleSeconds: { min: 1, max: 604_800 } } as const;

export interface RolledState {
  successorKeyId: string;
  rolledAt: string;
  graceEndsAt: string;
  closeWhenIdleSeconds: number | null;
}

export interface KeyState {
  status: 'active' | 'disabled' | 'expired' | 'revoked';
  keyId: string;
  accountId: string;
  createdAt: string;
  prefix: string;
  name: string | null;
  rateLimit: KeyRateLimit;
  permissions: string[];
  allowedIps: string[];
  expiresAt: string | null;
  disabled: boolean;
  revokedAt: string | null;
  expiredAt: string | null;
  rolledFromKeyId: string | null;
  rolled: RolledState | null;
  /**
   * The places (recorded source URLs; null for a report without one) scanners reported the key's secret found in, at
   * most LEAK_PLACES_RECORDED: a report of a place already here appends nothing (a scanner's retry).
   */
  leakedAt: readonly (string | null)[];
}

export type ApiKeyState = { status: 'absent' } | KeyState;

interface ActingCommand {
  keyId: string;
  accountId: string;
  /** The key that authenticated the request (null: the operator CLI, who may do anything). */
  actor: Actor | null;
  now: string;
}

export interface CreateApiKey extends ActingCommand {
  type: 'CreateApiKey';
  name: string | null;
  prefix: string;
  secretHash: string;
  /** Null: defaultRateLimit, or the actor's own limit when the default is not within it. */
  rateLimit: KeyRateLimit | null;
  /** The configured default (RATE_LIMIT_REQUESTS per RATE_LIMIT_PER_SECONDS). */
  defaultRateLimit: KeyRateLimit;
  /** Null: the actor's own (so `*` for an unrestricted key or the operator). */
  permissions: readonly unknown[] | null;
  /** Null: the actor's own restriction (none for the operator). */
  allowedIps: readonly unknown[] | null;
  /** Null: the actor's end (never for a key without one, or the operator), or the maximum lifetime when sooner. */
  expiresAt: string | null;
  maxLifetimeSeconds: number | null;
  rolledFromKeyId?: string | null;
}

export interface RevokeApiKey extends ActingCommand {
  type: 'RevokeApiKey';
}

export interface DisableApiKey extends ActingCommand {
  type: 'DisableApiKey';
}

export interface EnableApiKey extends ActingCommand {
  type: 'EnableApiKey';
}

export interface UpdateApiKey extends ActingCommand {
  type: 'UpdateApiKey';
  /** Absent fields do not change. */
  changes: {
    name?: string | null;
    rateLimit?: KeyRateLimit;
    permissions?: readonly unknown[];
    allowedIps?: readonly unknown[];
    expiresAt?: string | null;
  };
  maxLifetimeSeconds: number | null;
}

export interface RollApiKey extends ActingCommand {
  type: 'RollApiKey';
  successorKeyId: string;
  graceSeconds: number;
  closeWhenIdleSeconds: number | null;
}

/** Gives the key a new secret (its prefix and hash): the one before stops working. */
export interface ReissueKeySecret extends ActingCommand {
  type: 'ReissueKeySecret';
  prefix: string;
  secretHash: string;
  reason: SecretReissueReason;
}

/** Appends KeyExpired when the key is due (its expiry, the grace end of a roll, or idleness after a roll); else nothing. */
export interface ExpireApiKey {
  type: 'ExpireApiKey';
  keyId: string;
  now: string;
  /** The key's uses as the instance knows them, for close_when_idle_seconds; null: unknown (idleness is not decided). */
  uses: KnownUses | null;
}

/**
 * A scanner reports the key's secret found in public. No actor: the scanner's signature was checked, and the key was
 * found by its secret's hash, so the account is the key's own. The policy says what to do the first time; a repeat
 * appends nothing (scanners send the same find again).
 */
export interface ReportKeyLeak {
  type: 'ReportKeyLeak';
  keyId: string;
  accountId: string;
  now: string;
  scanner: LeakScanner;
  tokenType: string;
  sourceUrl: string | null;
  source: string | null;
  policy: LeakPolicy;
}

export type ApiKeyCommand =
  | CreateApiKey
  | RevokeApiKey
  | DisableApiKey
  | EnableApiKey
  | UpdateApiKey
  | RollApiKey
  | ExpireApiKey
  | ReissueKeySecret
  | ReportKeyLeak;

/** The API key aggregate: one stream per key (apiKeyStreamId), created once, revoked at most once. */
export const apiKeyDecider: Decider<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};

/** The instant the key stops working by time alone: its expiry or the end of a roll's grace period, whichever is first. */
export function effectiveExpiry(state: Pick<KeyState, 'expiresAt' | 'rolled'>): string | null {
  const candidates = [state.expiresAt, state.rolled?.graceEndsAt ?? null].filter((at): at is string => at !== null);
  if (candidates.length === 0) return null;
  return candidates.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

function evolve(state: ApiKeyState, event: ApiKeyEvent): ApiKeyState {
  if (event.type === 'KeyCreated') {
    const { keyId, accountId, createdAt, prefix, name, rateLimit, permissions, allowedIps, expiresAt, rolledFromKeyId } = event.data;
    return {
      status: 'active',
      keyId,
      accountId,
      createdAt,
      prefix,
      name,
      rateLimit,
      permissions,
      allowedIps,
      expiresAt,
      disabled: false,
      revokedAt: null,
      expiredAt: null,
      rolledFromKeyId,
      rolled: null,
      leakedAt: [],
    };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'KeyRevoked':
      return { ...state, status: 'revoked', revokedAt: event.data.revokedAt };
    case 'KeyUpdated':
      return { ...state, ...event.data.changes };
    case 'KeyDisabled':
      return { ...state, disabled: true, status: state.status === 'active' ? 'disabled' : state.status };
    case 'KeyEnabled':
      return { ...state, disabled: false, status: state.status === 'disabled' ? 'active' : state.status };
    case 'KeyRolled': {
      const { successorKeyId, rolledAt, graceEndsAt, closeWhenIdleSeconds } = event.data;
      return { ...state, rolled: { successorKeyId, rolledAt, graceEndsAt, closeWhenIdleSeconds } };
    }
    case 'KeyExpired':
      return { ...state, status: state.status === 'revoked' ? 'revoked' : 'expired', expiredAt: event.data.expiredAt };
    case 'KeySecretReissued':
      return { ...state, prefix: event.data.prefix };
    case 'KeyLeakReported':
      return state.leakedAt.includes(event.data.sourceUrl) || state.leakedAt.length >= LEAK_PLACES_RECORDED
        ? state
        : { ...state, leakedAt: [...state.leakedAt, event.data.sourceUrl] };
  }
}

function decide(state: ApiKeyState, command: ApiKeyCommand): ApiKeyEvent[] {
  switch (command.type) {
    case 'CreateApiKey':
      return decideCreate(state, command);
    case 'RevokeApiKey':
      return decideRevoke(state, command);
    case 'DisableApiKey':
      return decideDisable(state, command);
    case 'EnableApiKey':
      return decideEnable(state, command);
    case 'UpdateApiKey':
      return decideUpdate(state, command);
    case 'RollApiKey':
      return decideRoll(state, command);
    case 'ExpireApiKey':
      return decideExpire(state, command);
    case 'ReissueKeySecret':
      return decideReissue(state, command);
    case 'ReportKeyLeak':
      return decideLeakReport(state, command);
  }
}

function decideCreate(state: ApiKeyState, command: CreateApiKey): ApiKeyEvent[] {
  if (state.status !== 'absent') throw new KeyAlreadyExists(command.keyId);
  // A key pasted into a name would be in the log for good: it is recorded redacted, like any client text. A rolled
  // key's successor takes its name as the log holds it, checked when it was given, under the policy of that day.
  const name = command.name === null || (command.rolledFromKeyId ?? null) !== null ? command.name : redactSecrets(keyName(command.name));
  const { actor } = command;
  const rateLimit = command.rateLimit ?? defaultRateLimitFor(actor, command.defaultRateLimit);
  if (!withinBounds(rateLimit)) throw new RateLimitInvalid(RATE_LIMIT_BOUNDS);
  const permissions = normalisePermissions(command.permissions ?? actor?.permissions ?? [ALL_PERMISSIONS]);
  const allowedIps = normaliseAllowedIps(command.allowedIps ?? actor?.allowedIps ?? []);
  const expiresAt = newKeyExpiry(command);
  refuseEscalation(actor, { permissions, allowedIps, expiresAt, rateLimit }, command.now);
  const { keyId, accountId, prefix, secretHash, now } = command;
  return [
    {
      type: 'KeyCreated',
      schemaVersion: 2,
      data: {
        keyId,
        accountId,
        name,
        prefix,
        secretHash,
        rateLimit,
        createdAt: now,
        actingKeyId: actor?.keyId ?? null,
        permissions,
        allowedIps,
        expiresAt,
        rolledFromKeyId: command.rolledFromKeyId ?? null,
      },
    },
  ];
}

function withinBounds({ requests, perSeconds }: KeyRateLimit): boolean {
  const bounds = RATE_LIMIT_BOUNDS;
  return (
    Number.isInteger(requests) &&
    Number.isInteger(perSeconds) &&
    requests >= bounds.requests.min &&
    requests <= bounds.requests.max &&
    perSeconds >= bounds.perSeconds.min &&
    perSeconds <= bounds.perSeconds.max
  );
}

/** A key created without a limit gets the default, unless the default is not within the acting key's limit: then that limit. */
function defaultRateLimitFor(actor: Actor | null, defaultRateLimit: KeyRateLimit): KeyRateLimit {
  if (actor === null || rateLimitWithin(defaultRateLimit, actor.rateLimit)) return defaultRateLimit;
  return { requests: actor.rateLimit.requests, perSeconds: actor.rateLimit.perSeconds };
}

/**
 * The new key's expiry: as asked (checked); left out, the acting key's end, as its permissions are (a key ending
 * in an hour makes keys ending with it), or the maximum lifetime when sooner.
 */
function newKeyExpiry({ expiresAt, actor, now, maxLifetimeSeconds }: CreateApiKey): string | null {
  const checked = checkedExpiry(expiresAt, now, now, maxLifetimeSeconds, true);
  const actorEnd = actor?.endsAt ?? null;
  if (expiresAt !== null || actorEnd === null) return checked;
  const inherited = new Date(Date.parse(actorEnd)).toISOString();
  return checked !== null && Date.parse(checked) <= Date.parse(inherited) ? checked : inherited;
}

/** The last instant an RFC 3339 date-time in UTC can name: 9999-12-31T23:59:59.999Z. */
const LATEST_EXPIRY_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * The expiry as stored: after `now`, and no later than the maximum lifetime from `createdAt`. With a maximum
 * lifetime and no expiry asked for, the maximum applies when `defaultToMax` (a new key).
 */
function checkedExpiry(expiresAt: string | null, now: string, createdAt: string, maxLifetimeSeconds: number | null, defaultToMax: boolean): string | null {
  const latest = maxLifetimeSeconds === null ? null : Date.parse(createdAt) + maxLifetimeSeconds * 1000;
  if (expiresAt === null) {
    if (latest === null) return null;
    if (defaultToMax) return new Date(latest).toISOString();
    throw new ExpiryInvalid(`expires_at may not be removed: keys live at most ${maxLifetimeSeconds} seconds (MAX_KEY_LIFETIME_SECONDS).`);
  }
  // The one date policy of the API's validation and the CLI (a leap second is its minute's last millisecond), not Date.parse's.
  const at = parseRfc3339(expiresAt)?.getTime();
  if (at === undefined) throw new ExpiryInvalid('expires_at must be an RFC 3339 date-time.');
  if (at <= Date.parse(now)) throw new ExpiryInvalid('expires_at must be in the future.');
  // An offset can carry 9999-12-31T23:59:59-23:59 into the year 10000, which no RFC 3339 date-time (nor this key's answers) can write.
  if (at > LATEST_EXPIRY_MS) throw new ExpiryInvalid(`expires_at must be no later than ${new Date(LATEST_EXPIRY_MS).toISOString()}.`);
  if (latest !== null && at > latest) {
    throw new ExpiryInvalid(`expires_at is beyond the maximum key lifetime of ${maxLifetimeSeconds} seconds (MAX_KEY_LIFETIME_SECONDS).`);
  }
  return new Date(at).toISOString();
}

/** The key of an acting command, for the command's account only: another account's key is not found. */
function existingKey(state: ApiKeyState, command: ActingCommand): KeyState {
  if (state.status === 'absent' || state.accountId !== command.accountId) throw new KeyNotFound(command.keyId);
  return state;
}

/** Past changing: revoked, or expired (by its event or by time, even when the event is not yet appended). */
function refuseIfEnded(key: KeyState, now: string): void {
  const successor = key.rolled?.successorKeyId ?? null;
  if (key.status === 'revoked') throw new KeyNotChangeable(key.keyId, 'revoked', successor);
  const expiry = effectiveExpiry(key);
  if (key.status === 'expired' || (expiry !== null && Date.parse(expiry) <= Date.parse(now))) {
    throw new KeyNotChangeable(key.keyId, 'expired', successor);
  }
}

function decideRevoke(state: ApiKeyState, command: RevokeApiKey): ApiKeyEvent[] {
  const key = existingKey(state, command);
  if (key.status === 'revoked') return [];
  return [
    {
      type: 'KeyRevoked',
      schemaVersion: 1,
      data: { keyId: command.keyId, accountId: command.accountId, revokedAt: command.now, actingKeyId: command.actor?.keyId ?? null },
    },
  ];
}

function decideDisable(state: ApiKeyState, command: DisableApiKey): ApiKeyEvent[] {
  const key = existingKey(state, command);
  refuseIfEnded(key, command.now);
  if (key.disabled) return [];
  const { keyId, accountId, now } = command;
  return [{ type: 'KeyDisabled', schemaVersion: 1, data: { keyId, accountId, disabledAt: now, actingKeyId: command.actor?.keyId ?? null } }];
}

function decideEnable(state: ApiKeyState, command: EnableApiKey): ApiKeyEvent[] {
  const key = existingKey(state, command);
  refuseIfEnded(key, command.now);
  if (!key.disabled) return [];
  const { keyId, accountId, now } = command;
  return [{ type: 'KeyEnabled', schemaVersion: 1, data: { keyId, accountId, enabledAt: now, actingKeyId: command.actor?.keyId ?? null } }];
}

function decideUpdate(state: ApiKeyState, command: UpdateApiKey): ApiKeyEvent[] {
  const key = existingKey(state, command);
  refuseIfEnded(key, command.now);
  const asked = command.changes;
  const changes: KeyChanges = {};
  if (asked.name !== undefined) {
    const name = asked.name === null ? null : redactSecrets(keyName(asked.name));
    if (name !== key.name) changes.name = name;
  }
  if (asked.rateLimit !== undefined && !withinBounds(asked.rateLimit)) throw new RateLimitInvalid(RATE_LIMIT_BOUNDS);
  const rateLimit = asked.rateLimit === undefined ? undefined : { requests: asked.rateLimit.requests, perSeconds: asked.rateLimit.perSeconds };
  const permissions = asked.permissions === undefined ? undefined : normalisePermissions(asked.permissions);
  const allowedIps = asked.allowedIps === undefined ? undefined : normaliseAllowedIps(asked.allowedIps);
  const expiresAt = asked.expiresAt === undefined ? undefined : checkedExpiry(asked.expiresAt, command.now, key.createdAt, command.maxLifetimeSeconds, false);
  // What is asked is checked for escalation, not what the key has: renaming a wider key is no escalation, widening any key is.
  refuseEscalation(command.actor, { permissions, allowedIps, expiresAt, rateLimit }, command.now);
  if (rateLimit !== undefined && (rateLimit.requests !== key.rateLimit.requests || rateLimit.perSeconds !== key.rateLimit.perSeconds)) {
    changes.rateLimit = rateLimit;
  }
  if (permissions !== undefined && !sameList(permissions, key.permissions)) changes.permissions = permissions;
  if (allowedIps !== undefined && !sameList(allowedIps, key.allowedIps)) changes.allowedIps = allowedIps;
  if (expiresAt !== undefined && expiresAt !== key.expiresAt) changes.expiresAt = expiresAt;
  if (Object.keys(changes).length === 0) return [];
  const { keyId, accountId, now } = command;
  return [{ type: 'KeyUpdated', schemaVersion: 1, data: { keyId, accountId, updatedAt: now, actingKeyId: command.actor?.keyId ?? null, changes } }];
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

function decideRoll(state: ApiKeyState, command: RollApiKey): ApiKeyEvent[] {
  const key = existingKey(state, command);
  refuseIfEnded(key, command.now);
  if (key.rolled !== null) throw new KeyNotChangeable(key.keyId, 'rolled', key.rolled.successorKeyId);
  const { graceSeconds, closeWhenIdleSeconds } = command;
  const { graceSeconds: grace, closeWhenIdleSeconds: idle } = ROLL_BOUNDS;
  if (!Number.isInteger(graceSeconds) || graceSeconds < grace.min || graceSeconds > grace.max) {
    throw new RollInvalid(`grace_seconds must be an integer from ${grace.min} to ${grace.max}.`);
  }
  if (closeWhenIdleSeconds !== null && (!Number.isInteger(closeWhenIdleSeconds) || closeWhenIdleSeconds < idle.min || closeWhenIdleSeconds > idle.max)) {
    throw new RollInvalid(`close_when_idle_seconds must be an integer from ${idle.min} to ${idle.max}.`);
  }
  // The successor gets the key's permissions, restriction, expiry and limit: whoever rolls it receives them.
  const { permissions, allowedIps, expiresAt, rateLimit } = key;
  refuseEscalation(command.actor, { permissions, allowedIps, expiresAt, rateLimit }, command.now);
  const now = Date.parse(command.now);
  const graceEnd = now + graceSeconds * 1000;
  const graceEndsAt = new Date(key.expiresAt === null ? graceEnd : Math.min(graceEnd, Date.parse(key.expiresAt))).toISOString();
  const { keyId, accountId, successorKeyId } = command;
  const events: ApiKeyEvent[] = [
    {
      type: 'KeyRolled',
      schemaVersion: 1,
      data: { keyId, accountId, successorKeyId, rolledAt: command.now, graceEndsAt, closeWhenIdleSeconds, actingKeyId: command.actor?.keyId ?? null },
    },
  ];
  if (graceSeconds === 0) events.push(expired(key, command.now, 'grace_ended'));
  return events;
}

function parseOrNull(at: string | null): number | null {
  return at === null ? null : Date.parse(at);
}

/**
 * A new secret for a key that still works as it was made: not for a revoked or expired key (nobody should hold a
 * working secret of it), nor a rolled one (its successor is the key to hold). Whoever asks receives the key's
 * permissions, addresses, end and limit, so it is checked for escalation as a roll is.
 */
function decideReissue(state: ApiKeyState, command: ReissueKeySecret): ApiKeyEvent[] {
  const key = existingKey(state, command);
  refuseIfEnded(key, command.now);
  if (key.rolled !== null) throw new KeyNotChangeable(key.keyId, 'rolled', key.rolled.successorKeyId);
  const { permissions, allowedIps, expiresAt, rateLimit } = key;
  refuseEscalation(command.actor, { permissions, allowedIps, expiresAt, rateLimit }, command.now);
  const { keyId, accountId, prefix, secretHash, now, reason } = command;
  return [{ type: 'KeySecretReissued', schemaVersion: 1, data: { keyId, accountId, prefix, secretHash, reissuedAt: now, reason, actingKeyId: command.actor?.keyId ?? null } }];
}

/** Bounds of the report's texts as recorded: a scanner's strings are client text, kept short and redacted. */
export const LEAK_REPORT_TEXT_BOUNDS = { tokenType: 100, sourceUrl: 2048, source: 64 } as const;

/**
 * Distinct places of one key recorded (each a KeyLeakReported and a key_leaked alert): a key copied into 10,000 forks
 * does not fill its stream. Past it, a report of a new place is recorded only when the policy acts on the key (it
 * works again: enabled after a disable), which only its owner's enables can repeat.
 */
export const LEAK_PLACES_RECORDED = 20;

function decideLeakReport(state: ApiKeyState, command: ReportKeyLeak): ApiKeyEvent[] {
  if (state.status === 'absent' || state.accountId !== command.accountId) throw new KeyNotFound(command.keyId);
  const { keyId, accountId, now, scanner } = command;
  const bounds = LEAK_REPORT_TEXT_BOUNDS;
  const sourceUrl = recordedText(command.sourceUrl === null ? null : withoutCredentials(command.sourceUrl), bounds.sourceUrl);
  // The same place again is a retry: told and acted on once, also after the owner enabled the key knowing of it.
  if (state.leakedAt.includes(sourceUrl)) return [];
  const action = leakAction(state, command.policy, command.now);
  if (action === 'none' && state.leakedAt.length >= LEAK_PLACES_RECORDED) return [];
  const events: ApiKeyEvent[] = [
    {
      type: 'KeyLeakReported',
      schemaVersion: 1,
      data: {
        keyId,
        accountId,
        reportedAt: now,
        scanner,
        tokenType: recordedText(command.tokenType, bounds.tokenType) ?? '',
        sourceUrl,
        source: recordedText(command.source, bounds.source),
        action,
      },
    },
  ];
  if (action === 'revoked') events.push({ type: 'KeyRevoked', schemaVersion: 1, data: { keyId, accountId, revokedAt: now, actingKeyId: null } });
  if (action === 'disabled') events.push({ type: 'KeyDisabled', schemaVersion: 1, data: { keyId, accountId, disabledAt: now, actingKeyId: null } });
  return events;
}

/** What the policy does to this key: nothing to a key that no longer works (revoked, expired) or is already disabled under `disable`. */
function leakAction(key: KeyState, policy: LeakPolicy, now: string): LeakAction {
  const expiry = effectiveExpiry(key);
  const ended = key.status === 'revoked' || key.status === 'expired' || (expiry !== null && Date.parse(expiry) <= Date.parse(now));
  if (policy === 'notify' || ended) return 'none';
  if (policy === 'revoke') return 'revoked';
  return key.disabled ? 'none' : 'disabled';
}

/** `scheme://user:password@` up to the host: a password is never recorded (the log is immutable, the webhook carries it). */
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;
const withoutCredentials = (url: string): string => url.replace(URL_CREDENTIALS, '$1');

/** Redacted first (a key in the URL is cut at its display prefix), then cut to the bound; null stays null. */
function recordedText(text: string | null, maxLength: number): string | null {
  if (text === null) return null;
  const redacted = redactSecrets(text);
  return redacted.length <= maxLength ? redacted : `${redacted.slice(0, maxLength - 1)}…`;
}

function expired(key: KeyState, expiredAt: string, reason: ExpiryReason): KeyExpired {
  return { type: 'KeyExpired', schemaVersion: 1, data: { keyId: key.keyId, accountId: key.accountId, expiredAt, reason } };
}

function decideExpire(state: ApiKeyState, command: ExpireApiKey): ApiKeyEvent[] {
  if (state.status === 'absent') throw new KeyNotFound(command.keyId);
  if (state.status === 'revoked' || state.status === 'expired') return [];
  const due: Array<{ at: number; reason: ExpiryReason }> = [];
  if (state.expiresAt !== null) due.push({ at: Date.parse(state.expiresAt), reason: 'expires_at' });
  const rolled = state.rolled;
  if (rolled !== null) due.push({ at: Date.parse(rolled.graceEndsAt), reason: 'grace_ended' });
  const now = Date.parse(command.now);
  // Idle only on uses known complete up to the instant it went idle (idleEndMs): KeyExpired is final.
  if (rolled !== null && rolled.closeWhenIdleSeconds !== null && command.uses !== null) {
    const { lastUsedAt, completeUntil } = command.uses;
    const at = idleEndMs(Date.parse(rolled.rolledAt), rolled.closeWhenIdleSeconds, parseOrNull(lastUsedAt), parseOrNull(completeUntil), now);
    if (at !== null) due.push({ at, reason: 'idle' });
  }
  const first = due.filter((candidate) => candidate.at <= now).sort((a, b) => a.at - b.at)[0];
  return first ? [expired(state, new Date(first.at).toISOString(), first.reason)] : [];
}
