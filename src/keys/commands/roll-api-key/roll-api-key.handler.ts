import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConcurrencyConflict } from '../../../shared/application/errors.js';
import { Environment } from '../../../shared/config/environment.js';
import { fold } from '../../../shared/domain/decider.js';
import { ConcurrencyError } from '../../../shared/event-store/concurrency-error.js';
import { type AppendResult, EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { readKeyHistory, toEventToAppend } from '../../api-key-event-codec.js';
import { type ApiKeyState, apiKeyDecider } from '../../domain/api-key-decider.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { ACCOUNT_KEY_CAP, type AccountKeyCap } from '../account-key-cap.js';
import { KeyIssuer } from '../create-api-key/create-api-key.handler.js';
import { decideOnKey, refuseUnlessRevocation, viewAfterAppend } from '../decide-on-key.js';
import { requireIfMatch } from '../if-match.js';
import type { KeyChangeRequest } from '../key-change.js';
import { RollApiKeyCommand, type RolledApiKey } from './roll-api-key.command.js';
import { errorMessage } from '../../../shared/runtime/error-message.js';

const MAX_ATTEMPTS = 3;

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

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(Environment) config: Environment,
    @Inject(ACCOUNT_KEY_CAP) private readonly cap: AccountKeyCap,
  ) {
    this.issuer = new KeyIssuer(store, config, clock, cap);
  }

  async execute(command: RollApiKeyCommand): Promise<RolledApiKey> {
    for (let attempt = 1; ; attempt++) {
      const successorKeyId = randomUUID();
      try {
        return await this.roll(command, successorKeyId);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyConflict('The resource was changed by a concurrent request; retry later.');
      }
    }
  }

  private async roll({ request, graceSeconds, closeWhenIdleSeconds }: RollApiKeyCommand, successorKeyId: string): Promise<RolledApiKey> {
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
    const [createdAt, rolledAt] = appended;
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
