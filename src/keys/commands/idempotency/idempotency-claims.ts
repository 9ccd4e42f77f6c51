import { Logger } from '@nestjs/common';
import { ServiceUnavailable } from '../../../shared/application/errors.js';
import { fold } from '../../../shared/domain/decider.js';
import { ConcurrencyError } from '../../../shared/event-store/concurrency-error.js';
import type { EventStore, RecordedEvent, StreamAppend } from '../../../shared/event-store/event-store.port.js';
import type { Clock } from '../../../shared/runtime/clock.js';
import { errorMessage } from '../../../shared/runtime/error-message.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import {
  type ClaimReleaseReason,
  type IdempotencyClaimCommand,
  type IdempotencyClaimEvent,
  type IdempotencyClaimState,
  idempotencyClaimDecider,
  isIdempotencyClaimEventType,
} from '../../domain/idempotency-claim.js';
import { IdempotentRepeat } from '../../domain/idempotency-errors.js';
import type { IdempotentRequest } from './idempotent-request.js';
import { requestInProgress } from './idempotent-requests-in-flight.js';

/**
 * A claim whose key is not in the log this long after it was made is taken for abandoned (its request stopped
 * between the claim and the key, EventStoreDB only, and its own release failed): a repeat releases it and starts
 * over. Before that, the first request may still be writing: the repeat is answered 409, retry shortly.
 */
export const ABANDONED_CLAIM_AFTER_MS = 60_000;

/** The claim's append, for the key `keyId` the request makes, to append together with that key. */
export type ClaimAppend = (keyId: string) => StreamAppend;

/**
 * Carries out a request made with an Idempotency-Key once per claim (docs/design-notes.md, "Idempotency-Key"). The
 * first time, `first` receives the claim's append and appends it before, and together with, what it makes: where
 * the store has multi-stream transactions the claim and the key are one commit, and two requests racing with one
 * value meet on the claim's stream (expected revision: the one read, `no_stream` for a new value), where the loser
 * is answered 409 in progress. A repeat (same request, claim in force) gets `repeat` with the key the claim names.
 */
export class IdempotencyClaims {
  private readonly logger = new Logger('Keys');

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async once<T>(request: IdempotentRequest, first: (claim: ClaimAppend) => Promise<T>, repeat: (keyId: string) => Promise<T>): Promise<T> {
    const { claimStreamId } = request;
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream(claimStreamId);
      const state = fold(idempotencyClaimDecider, history.map(readClaimEvent));
      const now = new Date(this.clock.now()).toISOString();
      const expectedRevision = history.length === 0 ? ('no_stream' as const) : history[history.length - 1].revision;
      let claim: ClaimAppend;
      try {
        claim = claimAppend(request, state, now, expectedRevision);
      } catch (error) {
        if (!(error instanceof IdempotentRepeat)) throw error;
        const { keyId, claimedAt } = error.claim;
        if (await this.recorded(keyId)) return repeat(keyId);
        if (this.clock.now() - Date.parse(claimedAt) < ABANDONED_CLAIM_AFTER_MS || attempt > 1) throw requestInProgress();
        await this.release(request, state, keyId, 'abandoned', expectedRevision);
        continue;
      }
      const claimed = new Set<string>();
      try {
        return await first((keyId) => (claimed.add(keyId), claim(keyId)));
      } catch (error) {
        if (error instanceof ConcurrencyError && error.streamId === claimStreamId) throw await this.raceLostTo(request);
        await this.releaseUnrecorded(request, claimed, error);
        throw error;
      }
    }
  }

  /**
   * What to answer a request that lost the claim's race: the same request is still in progress (its key is not
   * issued again before it has answered); another request under the value is refused as such at once. Until
   * 2026-12-06 it was told "still in progress; retry shortly" too (7 of 8 races of two bodies over two instances),
   * and only its retry heard that the value was another request's.
   */
  private async raceLostTo(request: IdempotentRequest): Promise<unknown> {
    const history = await this.store.readStream(request.claimStreamId);
    const state = fold(idempotencyClaimDecider, history.map(readClaimEvent));
    try {
      // Decided only, never appended: it throws what a request under a claim in force is answered.
      claimAppend(request, state, new Date(this.clock.now()).toISOString(), history.at(-1)?.revision ?? 'no_stream');
    } catch (error) {
      if (!(error instanceof IdempotentRepeat)) return error;
    }
    return requestInProgress();
  }

  /** Whether the key the claim names is in the log, and not undone since (a roll's successor revoked when the roll failed). */
  private async recorded(keyId: string): Promise<boolean> {
    const stream = await this.store.readStream(apiKeyStreamId(keyId));
    return stream.length > 0 && !(stream[stream.length - 1].type === 'KeyRevoked' && stream[stream.length - 1].metadata.reason === 'roll_not_recorded');
  }

  /**
   * `first` failed. With a multi-stream transaction nothing of it is in the log; on EventStoreDB the claim may be,
   * without its key (or with a successor undone): it is released, so a retry is served as a first request. Best
   * effort: if this fails too, a repeat releases it once ABANDONED_CLAIM_AFTER_MS have passed.
   */
  private async releaseUnrecorded(request: IdempotentRequest, claimed: ReadonlySet<string>, failure: unknown): Promise<void> {
    try {
      const history = await this.store.readStream(request.claimStreamId);
      const state = fold(idempotencyClaimDecider, history.map(readClaimEvent));
      const keyId = state.claim?.keyId;
      if (keyId === undefined || !claimed.has(keyId) || (await this.recorded(keyId))) return;
      await this.release(request, state, keyId, 'not_recorded', history[history.length - 1].revision);
    } catch (error) {
      this.logger.warn({ msg: 'idempotency claim left without its key', accountId: request.accountId, error: errorMessage(error), failure: errorMessage(failure) });
    }
  }

  private async release(request: IdempotentRequest, state: IdempotencyClaimState, keyId: string, reason: ClaimReleaseReason, expectedRevision: number | 'no_stream'): Promise<void> {
    const now = new Date(this.clock.now()).toISOString();
    const events = idempotencyClaimDecider.decide(state, { type: 'ReleaseIdempotencyClaim', accountId: request.accountId, keyId, now, reason });
    try {
      await this.store.appendToStream(request.claimStreamId, events.map(toAppend), expectedRevision);
    } catch (error) {
      // Another repeat released it first, or claimed it anew: that one goes on, this one retries later.
      if (error instanceof ConcurrencyError) throw requestInProgress();
      throw error;
    }
    this.logger.warn({ msg: 'idempotency claim released', accountId: request.accountId, keyId, reason });
  }
}

/** The claim's append as a function of the key it names, decided on `state` (throws IdempotentRepeat or IdempotencyKeyReused). */
function claimAppend(request: IdempotentRequest, state: IdempotencyClaimState, now: string, expectedRevision: number | 'no_stream'): ClaimAppend {
  const { accountId, actingKeyId, operation, requestHash, claimStreamId } = request;
  const decide = (keyId: string) => {
    const command: IdempotencyClaimCommand = { type: 'ClaimIdempotencyKey', accountId, actingKeyId, operation, requestHash, keyId, now };
    return idempotencyClaimDecider.decide(state, command);
  };
  // Decided once at once: a repeat or another request throws here, before the caller makes anything.
  decide('');
  return (keyId) => ({ streamId: claimStreamId, events: decide(keyId).map(toAppend), expectedRevision });
}

const toAppend = (event: IdempotencyClaimEvent) => ({ type: event.type, schemaVersion: event.schemaVersion, data: { ...event.data } });

function readClaimEvent(recorded: RecordedEvent): IdempotencyClaimEvent {
  if (!isIdempotencyClaimEventType(recorded.type) || recorded.schemaVersion !== 1) {
    throw new ServiceUnavailable('This Idempotency-Key was recorded by a newer version of the service; retry on an upgraded instance.');
  }
  return { type: recorded.type, schemaVersion: 1, data: recorded.data } as IdempotencyClaimEvent;
}
