import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Environment } from '../../../shared/config/environment.js';
import type { EventStore, StreamAppend } from '../../../shared/event-store/event-store.port.js';
import { EVENT_STORE } from '../../../shared/event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { toEventToAppend } from '../../api-key-event-codec.js';
import { type Actor, apiKeyDecider, type CreateApiKey } from '../../domain/api-key-decider.js';
import { type ApiKeyEvent, apiKeyStreamId, type KeyRateLimit } from '../../domain/api-key-events.js';
import { displayPrefix, generateApiKey, hashApiKey } from '../../domain/api-key-secret.js';
import { ExpiryInvalid } from '../../domain/api-key-errors.js';
import { ACCOUNT_KEY_CAP, type AccountKeyCap } from '../account-key-cap.js';
import { decideOnKey } from '../decide-on-key.js';
import { IdempotencyClaims } from '../idempotency/idempotency-claims.js';
import type { IdempotentRequest } from '../idempotency/idempotent-request.js';
import { reissueSecret } from '../idempotency/reissue-secret.js';
import { CreateApiKeyCommand, type CreatedApiKey } from './create-api-key.command.js';

export interface NewKey {
  accountId: string;
  name: string | null;
  rateLimit: KeyRateLimit | null;
  actor: Actor | null;
  requestId: string | null;
  permissions: readonly unknown[] | null;
  allowedIps: readonly unknown[] | null;
  expiresAt: string | null;
  /** Instead of expiresAt: this many seconds after the creation instant. */
  expiresInSeconds?: number;
  rolledFromKeyId: string | null;
}

/** A new key decided, not yet appended: its secret and the command that creates it. */
export interface KeyDraft {
  keyId: string;
  /** The plaintext key: in the creation's answer only. */
  key: string;
  request: NewKey;
  command: CreateApiKey;
}

/** Decides and appends a new key's KeyCreated: shared by create and roll (whose successor is a new key). */
export class KeyIssuer {
  private readonly defaultRateLimit: KeyRateLimit;
  private readonly maxLifetimeSeconds: number | null;
  private readonly logger = new Logger('Keys');
  private readonly claims: IdempotencyClaims;

  constructor(
    private readonly store: EventStore,
    config: Environment,
    private readonly clock: Clock,
    private readonly cap: AccountKeyCap,
  ) {
    this.defaultRateLimit = { requests: config.RATE_LIMIT_REQUESTS, perSeconds: config.RATE_LIMIT_PER_SECONDS };
    this.maxLifetimeSeconds = config.MAX_KEY_LIFETIME_SECONDS ?? null;
    this.claims = new IdempotencyClaims(store, clock);
  }

  async issue(request: NewKey, keyId: string = randomUUID()): Promise<CreatedApiKey> {
    // First: an account without room costs no secret and no store call, however often a client retries.
    const giveBack = this.cap.reserve({ accountId: request.accountId, keyId, actor: request.actor, adding: 1, change: 'create', atMs: this.clock.now() });
    try {
      const draft = this.draft(request, keyId);
      const decision = await decideOnKey(this.store, keyId, () => draft.command, { requestId: request.requestId });
      return this.issued(draft, decision.events, decision.position);
    } catch (error) {
      giveBack();
      throw error;
    }
  }

  /**
   * A creation with an Idempotency-Key: the first time, the key's KeyCreated is appended together with the claim
   * (a new stream: nothing to read); a repeat gives the key the claim names a new secret instead. Only the first is
   * bound by the account key limit: a repeat makes no key, and is answered however full the account is now.
   */
  async issueOnce(request: NewKey, idempotency: IdempotentRequest): Promise<CreatedApiKey> {
    const first = async (claim: (keyId: string) => StreamAppend) => {
      const keyId = randomUUID();
      const giveBack = this.cap.reserve({ accountId: request.accountId, keyId, actor: request.actor, adding: 1, change: 'create', atMs: this.clock.now() });
      try {
        const draft = this.draft(request, keyId);
        const events = apiKeyDecider.decide(apiKeyDecider.initialState(), draft.command);
        const metadata = { requestId: request.requestId };
        const appends = [claim(keyId), { streamId: apiKeyStreamId(keyId), events: events.map((event) => toEventToAppend(event, metadata)), expectedRevision: 'no_stream' as const }];
        const [, created] = await this.store.appendToStreams(appends, { together: true });
        return this.issued(draft, events, created.position);
      } catch (error) {
        giveBack();
        throw error;
      }
    };
    return this.claims.once(idempotency, first, async (keyId) => {
      const { key, decision } = await reissueSecret(this.store, this.clock, { keyId, accountId: request.accountId, actor: request.actor, requestId: request.requestId });
      const { view } = decision;
      const { accountId, prefix, name, rateLimit, permissions, allowedIps, expiresAt, rolledFromKeyId, createdAt } = view;
      return { keyId, accountId, key, prefix, name, rateLimit, permissions, allowedIps, expiresAt, rolledFromKeyId, createdAt, position: decision.position, reissued: view };
    });
  }

  /** The key's secret and its creation, decided as of `now` (a roll's own instant: see RollApiKeyHandler); nothing is appended. */
  draft(request: NewKey, keyId: string, now: number = this.clock.now()): KeyDraft {
    // Checked here, where the field is known: the decider sees only the instant, and would name expires_at.
    if (request.expiresInSeconds !== undefined && this.maxLifetimeSeconds !== null && request.expiresInSeconds > this.maxLifetimeSeconds) {
      throw new ExpiryInvalid(`expires_in_seconds is beyond the maximum key lifetime of ${this.maxLifetimeSeconds} seconds (MAX_KEY_LIFETIME_SECONDS).`);
    }
    const key = generateApiKey();
    const expiresAt = request.expiresInSeconds === undefined ? request.expiresAt : new Date(now + request.expiresInSeconds * 1000).toISOString();
    const command: CreateApiKey = {
      type: 'CreateApiKey',
      keyId,
      accountId: request.accountId,
      name: request.name,
      prefix: displayPrefix(key),
      secretHash: hashApiKey(key),
      rateLimit: request.rateLimit,
      defaultRateLimit: this.defaultRateLimit,
      actor: request.actor,
      now: new Date(now).toISOString(),
      permissions: request.permissions,
      allowedIps: request.allowedIps,
      expiresAt,
      maxLifetimeSeconds: this.maxLifetimeSeconds,
      rolledFromKeyId: request.rolledFromKeyId,
    };
    return { keyId, key, request, command };
  }

  /** The creation's answer once its events are appended at `position`; logged, never with the key. */
  issued({ keyId, key, request, command }: KeyDraft, events: readonly ApiKeyEvent[], position: number): CreatedApiKey {
    const created = events.find((event) => event.type === 'KeyCreated')!;
    const { accountId } = request;
    const { prefix, now: createdAt } = command;
    // Never the key: its id, account and display prefix identify it in the log.
    this.logger.log({ msg: 'key created', keyId, accountId, prefix, requestId: request.requestId ?? undefined, actingKeyId: request.actor?.keyId });
    // The fields as the domain keeps them (normalised), not as they were given.
    const { name, rateLimit, permissions, allowedIps, rolledFromKeyId } = created.data;
    return { keyId, accountId, key, prefix, name, rateLimit, permissions, allowedIps, expiresAt: created.data.expiresAt, rolledFromKeyId, createdAt, position };
  }
}

@CommandHandler(CreateApiKeyCommand)
export class CreateApiKeyHandler implements ICommandHandler<CreateApiKeyCommand, CreatedApiKey> {
  private readonly issuer: KeyIssuer;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(Environment) config: Environment,
    @Inject(CLOCK) clock: Clock,
    @Inject(ACCOUNT_KEY_CAP) cap: AccountKeyCap,
  ) {
    this.issuer = new KeyIssuer(store, config, clock, cap);
  }

  async execute(command: CreateApiKeyCommand): Promise<CreatedApiKey> {
    const request: NewKey = {
      accountId: command.accountId,
      name: command.name,
      rateLimit: command.rateLimit,
      actor: command.actor,
      requestId: command.requestId,
      permissions: command.policy.permissions ?? null,
      allowedIps: command.policy.allowedIps ?? null,
      expiresAt: command.policy.expiresAt ?? null,
      expiresInSeconds: command.policy.expiresInSeconds,
      rolledFromKeyId: null,
    };
    return command.idempotency === null ? this.issuer.issue(request) : this.issuer.issueOnce(request, command.idempotency);
  }
}
