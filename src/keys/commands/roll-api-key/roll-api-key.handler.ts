import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Environment } from '../../../shared/config/environment.js';
import { fold } from '../../../shared/domain/decider.js';
import { ConcurrencyError } from '../../../shared/event-store/concurrency-error.js';
import { type AppendResult, EVENT_STORE, type EventStore, type StreamAppend } from '../../../shared/event-store/event-store.port.js';
import { oneAtATime } from '../../../shared/event-store/one-at-a-time.js';
import { lostEveryRound, MAX_DECISION_ATTEMPTS, pauseAfterLostRound } from '../../../shared/event-store/decide-and-append.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { readKeyHistory, toEventToAppend } from '../../api-key-event-codec.js';
import { type ApiKeyState, apiKeyDecider } from '../../domain/api-key-decider.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { ACCOUNT_KEY_CAP, type AccountKeyCap } from '../account-key-cap.js';
import { KeyIssuer } from '../create-api-key/create-api-key.handler.js';
import { decideOnKey, refuseUnlessRevocation, viewAfterAppend } from '../decide-on-key.js';
import { KeyNotFound } from '../../domain/api-key-errors.js';
import { foldApiKeyView } from '../../projection/api-key-view.js';
import { type ClaimAppend, IdempotencyClaims } from '../idempotency/idempotency-claims.js';
import { reissueSecret } from '../idempotency/reissue-secret.js';
import { requireIfMatch } from '../if-match.js';
import type { KeyChangeRequest } from '../key-change.js';
import { RollApiKeyCommand, type RolledApiKey } from './roll-api-key.command.js';
import { errorMessage } from '../../../shared/runtime/error-message.js';

/**
 * A roll touches two streams: the successor's KeyCreated (rolledFromKeyId) and the old key's KeyRolled
 * (successorKeyId), at the revision the roll was decided on. Both are appended together: in one transaction where
 * the store has them, so no crash can leave a successor that its predecessor does not name. EventStoreDB has
 * none: there the successor comes first, and is revoked at once if the old key's append fails, whatever the
 * failure (refused, or the store unavailable); if that revocation fails too, an error line names the successor.
 */
@CommandHandler(RollApiKeyCommand)
export class RollApiKeyHandler implements ICommandHandler<RollApiKeyCommand, RolledApiKey> {
  private readonly logger = new Logger('Keys');
  private readonly issuer: KeyIssuer;
  private readonly claims: IdempotencyClaims;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(Environment) config: Environment,
    @Inject(ACCOUNT_KEY_CAP) private readonly cap: AccountKeyCap,
  ) {
    this.issuer = new KeyIssuer(store, config, clock, cap);
    this.claims = new IdempotencyClaims(store, clock);
  }

  /** With an Idempotency-Key, the claim is appended first, together with the successor and the KeyRolled (IdempotencyClaims). */
  async execute(command: RollApiKeyCommand): Promise<RolledApiKey> {
    if (command.idempotency === null) return this.rollRetrying(command, null);
    return this.claims.once(
      command.idempotency,
      (claim) => this.rollRetrying(command, claim),
      (successorKeyId) => this.rolledBefore(command, successorKeyId),
    );
  }

  private async rollRetrying(command: RollApiKeyCommand, claimFor: ClaimAppend | null): Promise<RolledApiKey> {
    for (let attempt = 1; ; attempt++) {
      const successorKeyId = randomUUID();
      const claim = claimFor?.(successorKeyId) ?? null;
      try {
        // In turn with this process's other changes to the key (decideAndAppend's): until 2026-12-06 a roll raced them,
        // and of 29 PATCHes and a roll at once over three instances one PATCH lost three rounds (409).
        return await oneAtATime(this.store, apiKeyStreamId(command.request.keyId), () => this.roll(command, successorKeyId, claim));
      } catch (error) {
        // A claim's stream changed: another request with the same Idempotency-Key, for IdempotencyClaims to answer.
        if (!(error instanceof ConcurrencyError) || error.streamId === claim?.streamId) throw error;
        if (attempt >= MAX_DECISION_ATTEMPTS) throw lostEveryRound();
        await pauseAfterLostRound(attempt);
      }
    }
  }

  /**
   * A repeated roll: the successor its first request made gets a new secret; the old key is answered as it is now
   * (If-Match is not checked again: the first request met it, and made the change it guarded).
   */
  private async rolledBefore({ request }: RollApiKeyCommand, successorKeyId: string): Promise<RolledApiKey> {
    const { keyId, accountId, actor, requestId } = request;
    const { key, decision } = await reissueSecret(this.store, this.clock, { keyId: successorKeyId, accountId, actor, requestId });
    const { view } = decision;
    const { prefix, name, rateLimit, permissions, allowedIps, expiresAt, rolledFromKeyId, createdAt } = view;
    const successor = { keyId: successorKeyId, accountId, key, prefix, name, rateLimit, permissions, allowedIps, expiresAt, rolledFromKeyId, createdAt, position: decision.position, reissued: view };
    const history = await this.store.readStream(apiKeyStreamId(keyId));
    const old = foldApiKeyView(history);
    if (old === undefined || old.accountId !== accountId) throw new KeyNotFound(keyId);
    const last = history[history.length - 1];
    return { successor, rolled: { keyId, position: last.position, revision: last.revision, changed: false, view: old } };
  }

  private async roll({ request, graceSeconds, closeWhenIdleSeconds }: RollApiKeyCommand, successorKeyId: string, claim: StreamAppend | null): Promise<RolledApiKey> {
    const { keyId, accountId, actor, requestId, ifMatch } = request;
    const history = await this.store.readStream(apiKeyStreamId(keyId));
    const { events: readable, unreadable } = readKeyHistory(history);
    const state = fold(apiKeyDecider, readable);
    // One instant for both events: the successor exists (created_at) at the very instant its predecessor names it (rolled_at).
    const instant = this.clock.now();
    const now = new Date(instant).toISOString();
    const command = { type: 'RollApiKey' as const, keyId, accountId, actor, now, successorKeyId, graceSeconds, closeWhenIdleSeconds };
    if (unreadable !== null) refuseUnlessRevocation(state, command, unreadable);
    const rolled = apiKeyDecider.decide(state, command);
    // Decided first: another account's key is not found, whatever the If-Match.
    requireIfMatch(ifMatch, history[history.length - 1].revision);
    const old = state as Exclude<ApiKeyState, { status: 'absent' }>;
    const successor = this.issuer.draft(
      {
        accountId,
        name: old.name,
        rateLimit: old.rateLimit,
        actor,
        requestId,
        permissions: old.permissions,
        allowedIps: old.allowedIps,
        expiresAt: old.expiresAt,
        rolledFromKeyId: keyId,
      },
      successorKeyId,
      instant,
    );
    const created = apiKeyDecider.decide(apiKeyDecider.initialState(), successor.command);
    // Within its grace the old key works beside its successor: one key more. Without (KeyExpired at once), none.
    const adding = rolled.some((event) => event.type === 'KeyExpired') ? 0 : 1;
    const giveBack = this.cap.reserve({ accountId, keyId: successorKeyId, actor, adding, change: 'roll', atMs: instant });
    const metadata = { requestId };
    const rolledEvents = rolled.map((event) => toEventToAppend(event, metadata));
    let appended: AppendResult[];
    try {
      appended = await this.store.appendToStreams(
        [
          // First: without a multi-stream transaction, a claim lost to another request leaves nothing written.
          ...(claim === null ? [] : [claim]),
          { streamId: apiKeyStreamId(successorKeyId), events: created.map((event) => toEventToAppend(event, metadata)), expectedRevision: 'no_stream' },
          { streamId: apiKeyStreamId(keyId), events: rolledEvents, expectedRevision: history[history.length - 1].revision },
        ],
        { together: true },
      );
    } catch (error) {
      giveBack();
      await this.undoSuccessor(keyId, successorKeyId, request, error);
      throw error;
    }
    const [createdAt, rolledAt] = appended.slice(claim === null ? 0 : 1);
    this.logger.log({ msg: 'key rolled', keyId, successorKeyId, accountId, graceSeconds, requestId: requestId ?? undefined, actingKeyId: actor?.keyId ?? undefined });
    return {
      successor: this.issuer.issued(successor, created, createdAt.position),
      rolled: { keyId, position: rolledAt.position, revision: rolledAt.nextExpectedRevision, changed: true, view: viewAfterAppend(keyId, history, rolledEvents, rolledAt.position) },
    };
  }

  /**
   * Without a multi-stream transaction the successor may have been written and the old key's append not (a
   * conflict, the store unavailable, a deadline): nobody holds its secret and no KeyRolled names it, so it is
   * revoked, with the reason in the event's metadata. Best effort: the store may be failing still; then an error
   * line names it for an operator (`keys revoke <id>`), and the roll's own failure is what the caller gets.
   */
  private async undoSuccessor(keyId: string, successorKeyId: string, { accountId, requestId }: KeyChangeRequest, failure: unknown): Promise<void> {
    try {
      if ((await this.store.readStream(apiKeyStreamId(successorKeyId), { maxCount: 1 })).length === 0) return;
      const revoke = () => ({ type: 'RevokeApiKey' as const, keyId: successorKeyId, accountId, actor: null, now: new Date(this.clock.now()).toISOString() });
      await decideOnKey(this.store, successorKeyId, revoke, { requestId, reason: ROLL_NOT_RECORDED });
      this.logger.warn({ msg: 'roll undone', keyId, successorKeyId, reason: ROLL_NOT_RECORDED, error: errorMessage(failure) });
    } catch (error) {
      this.logger.error({ msg: 'roll left a successor active', keyId, successorKeyId, reason: ROLL_NOT_RECORDED, error: errorMessage(error) });
    }
  }
}

/** Why a successor was revoked without anyone asking: its predecessor's KeyRolled was never written. */
const ROLL_NOT_RECORDED = 'roll_not_recorded';
