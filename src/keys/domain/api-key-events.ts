/**
 * Events of an API key's lifecycle stream. The `type` strings are the stored names:
 * they are part of the log's format and never change, whatever the code is called.
 */
export const API_KEY_EVENT_TYPES = ['KeyCreated', 'KeyRevoked'] as const;
export type ApiKeyEventType = (typeof API_KEY_EVENT_TYPES)[number];

/** At most `requests` requests in any `perSeconds` window. */
export interface KeyRateLimit {
  requests: number;
  perSeconds: number;
}

export interface KeyCreated {
  type: 'KeyCreated';
  schemaVersion: 1;
  data: {
    keyId: string;
    accountId: string;
    name: string | null;
    /** First characters of the key, safe to display. */
    prefix: string;
    /** SHA-256 (hex) of the whole key; the key itself is never stored. */
    secretHash: string;
    /** The limit in force for this key, fixed at creation (the configured default when none was asked for). */
    rateLimit: KeyRateLimit;
    createdAt: string;
    /** The key that authenticated the request, or null for the operator CLI. */
    actingKeyId: string | null;
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

export type ApiKeyEvent = KeyCreated | KeyRevoked;

export const apiKeyStreamId = (keyId: string): string => `api_key-${keyId}`;

export function isApiKeyEventType(type: string): type is ApiKeyEventType {
  return (API_KEY_EVENT_TYPES as readonly string[]).includes(type);
}
