import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../domain/api-key-decider.js';
import type { KeyRateLimit } from '../../domain/api-key-events.js';

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
  /** Global position of the KeyCreated event. */
  position: number;
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
  ) {
    super();
  }
}
