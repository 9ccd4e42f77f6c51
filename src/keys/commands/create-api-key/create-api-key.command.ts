import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../domain/api-key-decider.js';
import type { KeyRateLimit } from '../../domain/api-key-events.js';
import type { ApiKeyView } from '../../projection/api-key-view.js';
import type { IdempotentRequest } from '../idempotency/idempotent-request.js';

export interface CreatedApiKey {
  keyId: string;
  accountId: string;
  /** The plaintext key: returned once to the creator, stored nowhere. */
  key: string;
  prefix: string;
  name: string | null;
  rateLimit: KeyRateLimit;
  permissions: string[];
  allowedIps: string[];
  expiresAt: string | null;
  rolledFromKeyId: string | null;
  createdAt: string;
  /** Global position of the KeyCreated event (of the KeySecretReissued for a repeat). */
  position: number;
  /**
   * Set when a repeated Idempotency-Key made no key: the key its first request made, as giving it this new secret
   * left it (usage, a name changed since, disabled), folded from its stream.
   */
  reissued?: ApiKeyView;
}

/** What a new key may do, from where and until when; absent fields: see CreateApiKey in the decider. */
export interface KeyPolicyRequest {
  permissions?: readonly unknown[];
  allowedIps?: readonly unknown[];
  /** RFC 3339, already checked as such. */
  expiresAt?: string;
  expiresInSeconds?: number;
}

export class CreateApiKeyCommand extends Command<CreatedApiKey> {
  constructor(
    readonly accountId: string,
    readonly name: string | null,
    /** Null applies the configured default. */
    readonly rateLimit: KeyRateLimit | null,
    /** The key that authenticated the request; null when the operator CLI creates a key. */
    readonly actor: Actor | null,
    readonly requestId: string | null,
    readonly policy: KeyPolicyRequest = {},
    /** The request's Idempotency-Key, when it has one: its claim. */
    readonly idempotency: IdempotentRequest | null = null,
  ) {
    super();
  }
}
