import { Injectable } from '@nestjs/common';
import { ConcurrencyConflict } from '../../../shared/application/errors.js';
import type { IdempotentRequest } from './idempotent-request.js';

export const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/** A repeat of a request that has not answered yet: its first answer is still to come. */
export const requestInProgress = () =>
  new ConcurrencyConflict('A request with this Idempotency-Key is still in progress; retry shortly.', IN_PROGRESS_RETRY_AFTER_SECONDS);

/**
 * The requests with an Idempotency-Key this instance is answering, by claim: a repeat that comes while the first
 * has not answered is refused at once (409, Retry-After), not given a new secret that would make the first answer's
 * useless. Another instance's requests are not known here: a repeat racing the first to its claim loses on the
 * claim's stream instead (IdempotencyClaims), and one coming between another instance's append and its answer is
 * answered as a repeat (docs/design-notes.md).
 */
@Injectable()
export class IdempotentRequestsInFlight {
  private readonly claims = new Set<string>();

  async run<T>(request: IdempotentRequest | null, answer: () => Promise<T>): Promise<T> {
    if (request === null) return answer();
    if (this.claims.has(request.claimStreamId)) throw requestInProgress();
    this.claims.add(request.claimStreamId);
    try {
      return await answer();
    } finally {
      this.claims.delete(request.claimStreamId);
    }
  }
}
