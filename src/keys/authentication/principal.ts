import type { KeyRateLimit } from '../domain/api-key-events.js';

/** Who is calling: the authenticated key, the account it acts for, what it may do from where, until when and how often. */
export interface Principal {
  keyId: string;
  accountId: string;
  permissions: readonly string[];
  allowedIps: readonly string[];
  /** When the key stops working by time (its expiry or its roll's grace end); null for never. */
  endsAt: string | null;
  rateLimit: KeyRateLimit;
}
