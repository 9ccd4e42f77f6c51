import { alertWebhookUrlProblem } from '../../shared/config/alert-webhook-url.js';
import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { Projection } from '../../shared/projections/projection.js';
import type { OwnRetryWait } from '../../shared/projections/own-retry-wait.js';
import { holderIsGoneFromThisHost, processIdentity } from '../../shared/runtime/process-identity.js';
import { ANOMALY_DETECTED } from '../domain/anomaly.js';
import { toWebhookPayload } from './alert-payload.js';
import type { CheckpointStore, DeliveryFailures } from './checkpoint-store.port.js';
import { retryAfterMs } from './retry-after.js';
import { isWebhookTimeout, signingSecrets, webhookHeaders, webhookNetworkError } from './webhook-request.js';

export interface AlertWebhookRetryOptions {
  /** Delay before the 2nd attempt; it doubles with every further attempt... */
  minMs: number;
  /** ...up to this cap. */
  maxMs: number;
  /**
   * Attempts for one alert within one handle() call (one batch from the subscription). After that
   * handle() throws and the ProjectionRunner resubscribes later, from the last checkpoint.
   */
  maxAttemptsPerBatch: number;
}

/** What one POST came to: answered 2xx, answered another status, no answer (refused, reset, DNS), or none in time. */
export const WEBHOOK_ATTEMPT_OUTCOMES = ['delivered', 'http_error', 'network_error', 'timeout'] as const;
export type WebhookAttemptOutcome = (typeof WEBHOOK_ATTEMPT_OUTCOMES)[number];

export interface AlertWebhookOptions {
  url: string;
  /** HMAC key of the `ParseSphere-Signature` header. Never logged. */
  secret: string;
  /** During a rotation, the secret being replaced: a second `v1`. Never logged. */
  previousSecret?: string;
  /** Per request, connection included. */
  timeoutMs: number;
  retry: AlertWebhookRetryOptions;
  /** Messages carry alert ids, attempt counts, HTTP statuses and error codes; never the secret or the URL. */
  onLog?: (level: 'log' | 'warn' | 'error', message: string) => void;
  /** Told of every POST's outcome (parsesphere_alert_webhook_deliveries_total): a failing receiver shows at its first failure. */
  onAttempt?: (outcome: WebhookAttemptOutcome) => void;
  /**
   * How long the sending instance holds the delivery lease; renewed before every attempt, so it must outlast one
   * attempt and the backoff before the next. Another instance takes over at most this long after the sender stops.
   */
  leaseMs?: number;
  /** Whether the holder of a lease is known to be dead (holderIsGoneFromThisHost unless told): its lease is taken over at once. */
  holderIsGone?: (holder: string) => boolean;
}

const DEFAULT_LEASE_MS = 60_000;
/** The end of a lease its holder gave up (a clean stop): taken at once by the next instance. */
const RELEASED_MS = 0;
/** How often, per lease, an instance that does not hold it looks at the checkpoint and the lease. */
const LEASE_CHECKS = 60;

/** The subset of `fetch` this class uses, so tests can pass a fake; the global `fetch` fits it. */
export interface WebhookRequest {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  redirect: 'manual';
}
export interface WebhookResponse {
  status: number;
  body?: { cancel(): Promise<void> } | null;
  headers?: { get(name: string): string | null };
}
export type WebhookFetch = (url: string, init: WebhookRequest) => Promise<WebhookResponse>;

export interface DeliveryClock {
  /** Milliseconds since the epoch (the signature timestamp is derived from it). */
  now(): number;
  /** Milliseconds on a clock that NTP does not step (performance.now()): how long another's lease stood still. */
  elapsed(): number;
  /** Resolves after `ms`; rejects as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: DeliveryClock = {
  now: () => Date.now(),
  elapsed: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(stoppedError());
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(stoppedError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * handle() gave up on an alert for this batch; the runner will retry from the checkpoint, and the alert's next attempt
 * waits out its backoff (nextAttemptInMs), which the runner's line gives: until 2026-12-07 it said only its own delay,
 * "resubscribing in 100 ms", after the 5th failure, and the next attempt came 8 s later.
 */
export class AlertDeliveryError extends Error implements OwnRetryWait {
  constructor(
    readonly alertId: string,
    readonly attempts: number,
    readonly lastFailure: string,
    readonly nextAttemptInMs: number,
  ) {
    super(`Alert ${alertId} not delivered after ${attempts} attempt(s) (last: ${lastFailure})`);
    this.name = 'AlertDeliveryError';
  }
}

function stoppedError(): Error {
  return new Error('Alert webhook delivery stopped');
}

/**
 * Sends every AnomalyDetected event, in log order, to one webhook: a signed JSON POST per alert.
 *
 * Guarantees: at-least-once and in order. The checkpoint is saved after each delivered alert (2xx),
 * so a crash re-sends at most the alert in flight, and a retried batch skips what it already
 * delivered. Instances sharing the checkpoint store send through one of them at a time (a lease), so
 * each alert goes out once unless the receiver answers after timeoutMs (it may have acted on it all the
 * same), or its sender dies mid-request or loses its lease. Receivers dedupe on the payload `id` /
 * `Idempotency-Key` (the deterministic alert id).
 * A failing webhook (non-2xx, 3xx included since redirects are not followed, network error, timeout)
 * is retried here with capped exponential backoff; after `maxAttemptsPerBatch` handle() throws and
 * the ProjectionRunner resubscribes from the checkpoint with its own backoff, indefinitely, the alert's backoff
 * going on from where it was (to maxMs): while the webhook is down alerts wait in the log, nothing is dropped,
 * and later alerts wait behind the failing one (order over throughput).
 */
export const ALERT_WEBHOOK_DELIVERY = 'alert-webhook';

export class AlertWebhookDelivery implements Projection {
  readonly name = ALERT_WEBHOOK_DELIVERY;
  readonly eventTypes = [ANOMALY_DETECTED] as const;
  private readonly stopping = new AbortController();
  /** This instance, as the holder of the delivery lease (CheckpointStore.lease): host and pid, so its death can be seen. */
  private readonly holder = processIdentity().holder;
  private readonly leaseMs: number;
  private handling = false;
  /**
   * The alert whose last attempts failed, how many in a row and when the last one did: a batch given up on after
   * maxAttemptsPerBatch is handed over again by the runner within 5 s, and its next attempt still waits out the
   * backoff those failures reached (up to maxMs), rather than starting again from minMs. Kept in the checkpoint store
   * too, so an instance taking the lease over (or this one restarted) goes on with that backoff.
   */
  private failing: DeliveryFailures | null = null;
  /**
   * The wait the receiver asked for (Retry-After, ms, at most maxMs) at the failing alert's last attempt. Held by this
   * instance only: another instance taking the lease over waits the backoff, which reaches maxMs within 6 attempts.
   */
  private requested: { alertId: string; waitMs: number } | null = null;
  /** Another holder's lease as last read, and since when (DeliveryClock.elapsed) it has read so. */
  private watchedLease: { holder: string; untilMs: number; sinceMs: number } | null = null;

  constructor(
    private readonly options: AlertWebhookOptions,
    private readonly checkpoints: CheckpointStore,
    private readonly fetchFn: WebhookFetch = (url, init) => fetch(url, init),
    private readonly clock: DeliveryClock = systemClock,
  ) {
    validate(options);
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  checkpoint(): Promise<number | null> {
    return this.checkpoints.get(this.name);
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    this.throwIfStopped();
    this.handling = true;
    try {
      for (const event of events) await this.take(event);
    } finally {
      this.handling = false;
      // Stopped meanwhile: what was in flight is delivered and checkpointed (or not), so the lease can go.
      if (this.stopping.signal.aborted) await this.releaseLease();
    }
  }

  /**
   * Delivers the event, unless it is behind the checkpoint: the runner re-sends a whole batch after a failure, and
   * instances sharing the store deliver the same log. Only the lease holder sends; the others wait until the
   * checkpoint has passed the event, or until the lease is theirs (its holder stopped renewing it).
   */
  private async take(event: RecordedEvent): Promise<void> {
    for (;;) {
      const done = await this.checkpoints.get(this.name);
      if (done !== null && event.position <= done) return;
      if (await this.holdLease()) {
        if (event.type !== ANOMALY_DETECTED || (await this.deliver(event))) {
          await this.checkpoints.save(this.name, event.position);
          return;
        }
      }
      await this.clock.sleep(this.leaseMs / LEASE_CHECKS, this.stopping.signal);
      this.throwIfStopped();
    }
  }

  /**
   * Takes or renews the lease: its own, one given up, or none yet. Another holder's lease is taken once it has stood
   * still for leaseMs by this instance's monotonic clock (its holder renews it at each attempt), or at once when its
   * holder died on this host (a kill -9, then this restart). Its end is a time by its holder's clock, so it is never
   * compared with this one: until 2026-12-07 it was, and an instance whose clock ran 10 minutes ahead took the lease
   * from a holder in the middle of its deliveries (the same alert sent by both) and kept it, its signatures 600 s
   * ahead, which receivers refuse: no alert was accepted while it ran.
   */
  private async holdLease(): Promise<boolean> {
    const now = this.clock.now();
    if (await this.checkpoints.lease(this.name, this.holder, RELEASED_MS, now + this.leaseMs)) return true;
    const held = await this.checkpoints.leaseHolder(this.name);
    if (held === null) return false;
    if (!this.standsStill(held) && !(this.options.holderIsGone ?? holderIsGoneFromThisHost)(held.holder)) return false;
    // Taken only if still the lease as it was read: the store's own condition (until <= "now").
    return this.checkpoints.lease(this.name, this.holder, held.untilMs, now + this.leaseMs);
  }

  /** Whether another holder's lease has read the same for leaseMs, by this instance's monotonic clock. */
  private standsStill(held: { holder: string; untilMs: number }): boolean {
    const at = this.clock.elapsed();
    const watched = this.watchedLease;
    if (watched === null || watched.holder !== held.holder || watched.untilMs !== held.untilMs) {
      this.watchedLease = { ...held, sinceMs: at };
      return false;
    }
    return at - watched.sinceMs >= this.leaseMs;
  }

  /** A lease given up: another instance (or this one restarted) sends from here without waiting it out. */
  private async releaseLease(): Promise<void> {
    await this.checkpoints.lease(this.name, this.holder, RELEASED_MS, RELEASED_MS).catch(() => undefined);
  }

  /** Never moves the checkpoint back: positions before it were delivered (or had nothing to deliver). */
  async saveCheckpoint(position: number): Promise<void> {
    const current = await this.checkpoints.get(this.name);
    if (current === null || position > current) await this.checkpoints.save(this.name, position);
  }

  /**
   * Alerts up to `end` went out; those past it went out from a log that no longer holds them, and the alerts
   * appended from now on take their positions: the checkpoint moves back to `end`, so they are delivered. Never
   * further back (receivers would page people for old findings again); `replay` never touches it.
   */
  async startOverWithin(end: number | null): Promise<number> {
    // Never to none: a checkpoint of none means delivery was never configured, and starts at the end of the log.
    const position = end ?? 0;
    await this.checkpoints.rewind(this.name, position);
    return position;
  }

  /**
   * For shutdown (call it before ProjectionRunner.stop()): ends a backoff wait at once and makes no
   * further attempt, so stopping does not wait out the retries. A request already in flight is left to
   * finish (at most timeoutMs): if it is delivered its checkpoint is saved, so a graceful shutdown does
   * not re-send it. What is not delivered is sent after the restart. Every later handle() throws.
   */
  stop(): void {
    this.stopping.abort();
    if (!this.handling) void this.releaseLease();
  }

  /** True once delivered; false when the lease was lost before an attempt (another instance may send it). */
  private async deliver(event: RecordedEvent): Promise<boolean> {
    // A malformed event throws here, before any request: the runner keeps retrying and reports the
    // error rather than skipping the alert.
    const payload = toWebhookPayload(event);
    const body = JSON.stringify(payload);
    const { maxAttemptsPerBatch } = this.options.retry;
    const earlier = await this.failuresOf(payload.id);
    if (earlier !== null) {
      // Handed over again after this batch gave up: the rest of the backoff those failures reached, lease renewed after it.
      // No more than the backoff: a clock stepped back since (NTP) made the wait an hour longer for a step of an hour.
      const wait = this.waitAfter(earlier.attempts, payload.id) - Math.max(0, this.clock.now() - earlier.lastAtMs);
      if (wait > 0) await this.clock.sleep(wait, this.stopping.signal);
      this.throwIfStopped();
      if (!(await this.holdLease())) return false;
    }
    const first = (earlier?.attempts ?? 0) + 1;
    for (let attempt = first; ; attempt++) {
      if (attempt > first && !(await this.holdLease())) return false;
      const failure = await this.attempt(payload.id, body, attempt);
      if (failure === null) {
        this.failing = null;
        this.requested = null;
        if (attempt > 1) {
          await this.recordFailures(null);
          this.log('log', `Alert ${payload.id} delivered on attempt ${attempt}`);
        }
        return true;
      }
      this.failing = { alertId: payload.id, attempts: attempt, lastAtMs: this.clock.now() };
      this.requested = { alertId: payload.id, waitMs: failure.retryAfterMs ?? 0 };
      await this.recordFailures(this.failing);
      if (this.stopping.signal.aborted) {
        // The attempt in flight at the stop: no retry follows in this process (it said "retrying in 500 ms").
        this.log('warn', `Alert ${payload.id} attempt ${attempt} failed (${failure.why}); stopping: it is sent again after the restart`);
        throw stoppedError();
      }
      const delay = this.waitAfter(attempt, payload.id);
      if (attempt - first + 1 >= maxAttemptsPerBatch) throw new AlertDeliveryError(payload.id, attempt, failure.why, delay);
      this.log('warn', `Alert ${payload.id} attempt ${attempt} failed (${failure.why}); retrying in ${delay} ms`);
      await this.clock.sleep(delay, this.stopping.signal);
      this.throwIfStopped();
    }
  }

  /**
   * The alert's failed attempts in a row: this instance's, else those the checkpoint store holds, recorded by the
   * instance that held the lease before (without them a takeover began again at minMs against a receiver still
   * failing: each new holder sent at 0.5, 1, 2 and 4 s). Unreadable: none, as before they were stored.
   */
  private async failuresOf(alertId: string): Promise<DeliveryFailures | null> {
    if (this.failing?.alertId === alertId) return this.failing;
    const stored = await this.checkpoints.failures(this.name).catch(() => null);
    return stored?.alertId === alertId ? stored : null;
  }

  /** Best effort: a checkpoint store that cannot be written only loses the backoff for the next holder. */
  private async recordFailures(failures: DeliveryFailures | null): Promise<void> {
    await this.checkpoints.saveFailures(this.name, failures).catch(() => undefined);
  }

  /**
   * One POST; null when delivered, otherwise a short description of the failure and the wait the receiver asked
   * for in a Retry-After header (an answer such as 429 or 503), if any.
   */
  private async attempt(alertId: string, body: string, attempt: number): Promise<{ why: string; retryAfterMs: number | null } | null> {
    this.throwIfStopped();
    // Signed per attempt, so a retry after a long outage still passes the receiver's timestamp tolerance.
    const timestamp = Math.floor(this.clock.now() / 1000);
    const headers = webhookHeaders(alertId, body, signingSecrets(this.options.secret, this.options.previousSecret), timestamp, attempt);
    const request = this.requestSignal();
    try {
      const response = await this.fetchFn(this.options.url, {
        method: 'POST',
        headers,
        body,
        signal: request.signal,
        redirect: 'manual',
      });
      // The answer's body is not needed; release the connection.
      await response.body?.cancel().catch(() => undefined);
      const delivered = response.status >= 200 && response.status < 300;
      this.options.onAttempt?.(delivered ? 'delivered' : 'http_error');
      if (delivered) return null;
      const header = response.headers?.get('retry-after');
      const asked = retryAfterMs(header, this.clock.now());
      // The header as a number of seconds only: a date or any other text the receiver sent is never logged as it is.
      const said = asked === null ? '' : `, Retry-After ${Math.ceil(asked / 1000)} s`;
      return { why: `HTTP ${response.status}${said}`, retryAfterMs: asked };
    } catch (error) {
      this.options.onAttempt?.(isWebhookTimeout(error) ? 'timeout' : 'network_error');
      return { why: this.describe(error), retryAfterMs: null };
    } finally {
      request.dispose();
    }
  }

  /**
   * Aborts after timeoutMs with a TimeoutError, like AbortSignal.timeout(), but with a timer cleared
   * as soon as the answer is in (AbortSignal.timeout's timer would outlive every request by timeoutMs).
   */
  private requestSignal(): { signal: AbortSignal; dispose: () => void } {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const timeout = new Error(`The operation timed out after ${this.options.timeoutMs} ms`);
      timeout.name = 'TimeoutError';
      controller.abort(timeout);
    }, this.options.timeoutMs);
    return { signal: controller.signal, dispose: () => clearTimeout(timer) };
  }

  /**
   * The wait after the `attempt`th failed attempt in a row of an alert: the backoff, or the receiver's Retry-After when
   * longer, never past maxMs (a receiver asking for an hour would otherwise outlast the lease, and another instance
   * would send meanwhile).
   */
  private waitAfter(attempt: number, alertId: string): number {
    const asked = this.requested?.alertId === alertId ? this.requested.waitMs : 0;
    return Math.max(this.backoff(attempt), Math.min(asked, this.options.retry.maxMs));
  }

  /** The wait after the `attempt`th failed attempt in a row of one alert: minMs, doubling, capped at maxMs. */
  private backoff(attempt: number): number {
    const { minMs, maxMs } = this.options.retry;
    return Math.min(maxMs, minMs * 2 ** Math.min(attempt - 1, 30));
  }

  private describe(error: unknown): string {
    return isWebhookTimeout(error) ? `timed out after ${this.options.timeoutMs} ms` : webhookNetworkError(error);
  }

  private throwIfStopped(): void {
    if (this.stopping.signal.aborted) throw stoppedError();
  }

  private log(level: 'log' | 'warn' | 'error', message: string): void {
    this.options.onLog?.(level, message);
  }
}

function validate(options: AlertWebhookOptions): void {
  // Messages name the setting, never its value; the URL's rule is the one ALERT_WEBHOOK_URL is read by at start.
  const urlProblem = alertWebhookUrlProblem(options.url);
  if (urlProblem !== null) throw new Error(`Alert webhook: url ${urlProblem}`);
  if (typeof options.secret !== 'string' || options.secret.length === 0) throw new Error('Alert webhook: secret is empty');
  if (!(options.timeoutMs > 0)) throw new Error('Alert webhook: timeoutMs must be positive');
  const { minMs, maxMs, maxAttemptsPerBatch } = options.retry;
  if (!(minMs >= 0) || !(maxMs >= minMs)) throw new Error('Alert webhook: retry delays must satisfy 0 <= minMs <= maxMs');
  if (!Number.isInteger(maxAttemptsPerBatch) || maxAttemptsPerBatch < 1) {
    throw new Error('Alert webhook: retry.maxAttemptsPerBatch must be an integer >= 1');
  }
}
