import { spawnSync } from 'node:child_process';
import { pidHost } from '../../shared/runtime/process-identity.js';
import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { ANOMALY_DETECTED, type AnomalyDetectedData } from '../domain/anomaly.js';
import { toWebhookPayload } from './alert-payload.js';
import {
  AlertDeliveryError,
  AlertWebhookDelivery,
  type AlertWebhookOptions,
  type DeliveryClock,
  type WebhookFetch,
  type WebhookRequest,
} from './alert-webhook.projection.js';
import { InMemoryCheckpointStore } from '../../infrastructure/in-memory/in-memory-checkpoint-store.js';
import { verifyWebhookSignature } from './webhook-signature.js';

const SECRET = 'whsec_unit_test_secret_value_42';
const URL_ = 'https://hooks.example.test/parsesphere?token=url-credential';
const NOW_MS = 1_750_000_000_500;

const anomaly = (n: number, position: number): RecordedEvent => {
  const data: AnomalyDetectedData = {
    alertId: `alert-${n}`,
    rule: 'rate_spike',
    keyId: `key-${n}`,
    accountId: 'acme',
    ip: '203.0.113.7',
    evidence: { requests: 100 * n },
    windowStart: '2025-06-01T10:00:00.000Z',
    windowEnd: '2025-06-01T10:05:00.000Z',
    detectedAt: `2025-06-01T10:0${n}:00.000Z`,
  };
  return {
    id: `event-${n}`,
    streamId: `anomaly-alert-${n}`,
    type: ANOMALY_DETECTED,
    schemaVersion: 1,
    data: data as unknown as Record<string, unknown>,
    metadata: {},
    revision: 0,
    position,
    recordedAt: '2025-06-01T10:05:00.000Z',
  };
};

/** A status, a status with a Retry-After header, a connection that fails, or a request never answered. */
type Outcome = number | { status: number; retryAfter: string } | 'network' | 'hang';

/** A scripted fetch: each call takes the next outcome (200 once the script runs out). */
class FakeFetch {
  calls: { url: string; init: WebhookRequest; outcome: Outcome }[] = [];
  constructor(public script: Outcome[] = []) {}

  readonly fn: WebhookFetch = async (url, init) => {
    const outcome = this.script.shift() ?? 200;
    this.calls.push({ url, init, outcome });
    if (outcome === 'network') {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    }
    if (outcome === 'hang') {
      return new Promise((_resolve, reject) => {
        init.signal.addEventListener('abort', () => reject(init.signal.reason), { once: true });
      });
    }
    if (typeof outcome === 'object') {
      return { status: outcome.status, body: null, headers: new Headers({ 'Retry-After': outcome.retryAfter }) };
    }
    return { status: outcome, body: null, headers: new Headers() };
  };

  /** Alert ids of every call, in order. */
  ids(): string[] {
    return this.calls.map((c) => c.init.headers['Idempotency-Key']);
  }

  /** Alert ids of the calls answered 2xx, in order. */
  delivered(): string[] {
    return this.calls
      .filter((c) => typeof c.outcome === 'number' && c.outcome >= 200 && c.outcome < 300)
      .map((c) => c.init.headers['Idempotency-Key']);
  }
}

/** Time passes only in its sleeps, which return at once. */
class FakeClock implements DeliveryClock {
  sleeps: number[] = [];
  private time = NOW_MS;
  now = () => this.time;
  elapsed = () => this.time;
  /** Time that passes outside the delivery's own sleeps (the runner's delay before it hands a batch over again). */
  pass = (ms: number) => {
    this.time += ms;
  };
  sleep = async (ms: number, signal: AbortSignal) => {
    this.sleeps.push(ms);
    this.time += ms;
    if (signal.aborted) throw new Error('stopped');
  };
}

const options = (overrides: Partial<AlertWebhookOptions> = {}): AlertWebhookOptions => ({
  url: URL_,
  secret: SECRET,
  timeoutMs: 1000,
  retry: { minMs: 10, maxMs: 30, maxAttemptsPerBatch: 3 },
  ...overrides,
});

describe('AlertWebhookDelivery', () => {
  let checkpoints: InMemoryCheckpointStore;
  let fake: FakeFetch;
  let clock: FakeClock;
  let logs: string[];
  let delivery: AlertWebhookDelivery;
  const events = [anomaly(1, 3), anomaly(2, 7), anomaly(3, 8)];
  /** A delivery on this test's receiver and clock, logging into `logs`. */
  const deliveryWith = (overrides: Partial<AlertWebhookOptions> = {}) =>
    new AlertWebhookDelivery(options({ onLog: (level, message) => logs.push(`${level} ${message}`), ...overrides }), checkpoints, fake.fn, clock);

  beforeEach(() => {
    checkpoints = new InMemoryCheckpointStore();
    fake = new FakeFetch();
    clock = new FakeClock();
    logs = [];
    delivery = deliveryWith();
  });

  it('is the alert-webhook projection of AnomalyDetected events', () => {
    expect(delivery.name).toBe('alert-webhook');
    expect(delivery.eventTypes).toEqual(['AnomalyDetected']);
  });

  it('delivers each alert once, in order, checkpointing after each', async () => {
    const saved: number[] = [];
    const save = checkpoints.save.bind(checkpoints);
    checkpoints.save = async (name, position) => {
      saved.push(position);
      await save(name, position);
    };
    await delivery.handle(events);
    expect(fake.ids()).toEqual(['alert-1', 'alert-2', 'alert-3']);
    expect(saved).toEqual([3, 7, 8]);
    expect(await delivery.checkpoint()).toBe(8);
    expect(clock.sleeps).toEqual([]);
  });

  it('POSTs the JSON payload with a verifiable signature, the idempotency key and a timeout', async () => {
    await delivery.handle([events[0]]);
    const { url, init } = fake.calls[0];
    expect(url).toBe(URL_);
    expect(init.method).toBe('POST');
    expect(init.redirect).toBe('manual');
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(init.body).toBe(JSON.stringify(toWebhookPayload(events[0])));
    expect(JSON.parse(init.body)).toMatchObject({ id: 'alert-1', type: 'anomaly.detected', created_at: '2025-06-01T10:01:00.000Z' });
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(init.headers['Idempotency-Key']).toBe('alert-1');
    const signature = init.headers['ParseSphere-Signature'];
    expect(signature).toMatch(/^t=1750000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(init.body, signature, SECRET, NOW_MS / 1000)).toBe(true);
    expect(verifyWebhookSignature(init.body, signature, 'another-secret', NOW_MS / 1000)).toBe(false);
    expect(JSON.stringify(init.headers)).not.toContain(SECRET);
  });

  it('during a rotation signs with the new secret and the previous one, one v1 each, so a receiver holding either accepts', async () => {
    const previous = 'whsec_unit_test_previous_value_7';
    await deliveryWith({ previousSecret: previous }).handle([events[0]]);
    const { init } = fake.calls[0];
    const signature = init.headers['ParseSphere-Signature'];
    expect(signature).toMatch(/^t=1750000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(init.body, signature, SECRET, NOW_MS / 1000)).toBe(true);
    expect(verifyWebhookSignature(init.body, signature, previous, NOW_MS / 1000)).toBe(true);
    expect(verifyWebhookSignature(init.body, signature, 'another-secret', NOW_MS / 1000)).toBe(false);
    expect(JSON.stringify(init.headers)).not.toContain(previous);
  });

  it('retries after 500s and network errors with capped exponential backoff, then succeeds', async () => {
    delivery = deliveryWith({ retry: { minMs: 10, maxMs: 30, maxAttemptsPerBatch: 5 } });
    fake.script = [500, 'network', 503, 200, 200];
    await delivery.handle(events.slice(0, 2));
    expect(fake.ids()).toEqual(['alert-1', 'alert-1', 'alert-1', 'alert-1', 'alert-2']);
    expect(fake.calls.map((c) => c.init.headers['ParseSphere-Webhook-Attempt'])).toEqual(['1', '2', '3', '4', '1']);
    expect(new Set(fake.calls.slice(0, 4).map((c) => c.init.body)).size).toBe(1);
    expect(clock.sleeps).toEqual([10, 20, 30]);
    expect(await delivery.checkpoint()).toBe(7);
    expect(logs).toEqual([
      'warn Alert alert-1 attempt 1 failed (HTTP 500); retrying in 10 ms',
      'warn Alert alert-1 attempt 2 failed (network error ECONNREFUSED); retrying in 20 ms',
      'warn Alert alert-1 attempt 3 failed (HTTP 503); retrying in 30 ms',
      'log Alert alert-1 delivered on attempt 4',
    ]);
  });

  // The receiver's audit of 2026-12-07: a receiver answering 429 with Retry-After: 20 got its next 5 attempts within
  // 7.5 s (0.5, 1, 2, 4 s), as if it had said nothing. The wait is now the longer of the backoff and Retry-After, which
  // is held to maxMs (the lease outlasts one wait: another instance never takes over in the middle of one).
  it("waits the receiver's Retry-After (seconds or a date) when it is longer than the backoff, up to maxMs", async () => {
    delivery = deliveryWith({ retry: { minMs: 500, maxMs: 30_000, maxAttemptsPerBatch: 6 } });
    // The third answer comes 50 s in (after the 20 s and 30 s waits) and names an instant 25 s after it (a date is in whole seconds).
    const dated = new Date(NOW_MS + 75_000).toUTCString();
    fake.script = [
      { status: 429, retryAfter: '20' },
      { status: 503, retryAfter: '120' },
      { status: 503, retryAfter: dated },
      { status: 429, retryAfter: 'soon' },
      { status: 429, retryAfter: '0' },
      200,
    ];
    await delivery.handle([events[0]]);
    expect(fake.calls).toHaveLength(6);
    expect(clock.sleeps).toEqual([20_000, 30_000, Date.parse(dated) - (NOW_MS + 50_000), 4000, 8000]);
    expect(logs[0]).toBe('warn Alert alert-1 attempt 1 failed (HTTP 429, Retry-After 20 s); retrying in 20000 ms');
  });

  it("keeps the receiver's Retry-After for the batch handed over again after the runner's resubscription", async () => {
    delivery = deliveryWith({ retry: { minMs: 500, maxMs: 30_000, maxAttemptsPerBatch: 1 } });
    fake.script = [{ status: 429, retryAfter: '25' }, 200];
    const failure = await delivery.handle([events[0]]).catch((error: unknown) => error);
    expect((failure as AlertDeliveryError).nextAttemptInMs).toBe(25_000);
    clock.pass(100);
    await delivery.handle([events[0]]);
    expect(clock.sleeps).toEqual([25_000 - 100]);
  });

  it('counts only 2xx as delivered: a redirect is a failure, a 204 is a success', async () => {
    fake.script = [302, 204];
    await delivery.handle([events[0]]);
    expect(fake.calls).toHaveLength(2);
    expect(await delivery.checkpoint()).toBe(3);
  });

  it('treats a request that outlives timeoutMs as a failure', async () => {
    delivery = new AlertWebhookDelivery(options({ timeoutMs: 20 }), checkpoints, fake.fn, clock);
    fake.script = ['hang', 200];
    const started = Date.now();
    await delivery.handle([events[0]]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(fake.calls).toHaveLength(2);
    expect(await delivery.checkpoint()).toBe(3);
  });

  // The metrics audit of 2026-12-07: a receiver that failed was seen only when the projection went down after ~10
  // attempts (~2 min); each attempt's outcome now reaches parsesphere_alert_webhook_deliveries_total.
  it('tells of every attempt: delivered (2xx), http_error (another status, a redirect too), network_error, timeout', async () => {
    const outcomes: string[] = [];
    delivery = deliveryWith({ timeoutMs: 20, retry: { minMs: 10, maxMs: 30, maxAttemptsPerBatch: 6 }, onAttempt: (outcome) => outcomes.push(outcome) });
    fake.script = [500, 302, 'network', 'hang', 204, 200];
    await delivery.handle(events.slice(0, 2));
    expect(outcomes).toEqual(['http_error', 'http_error', 'network_error', 'timeout', 'delivered', 'delivered']);
  });

  it('gives up after maxAttemptsPerBatch by throwing, with the checkpoint just before the failed alert', async () => {
    fake.script = [200, 500, 'network', 503];
    const failure = delivery.handle(events);
    await expect(failure).rejects.toBeInstanceOf(AlertDeliveryError);
    await expect(failure).rejects.toThrow('Alert alert-2 not delivered after 3 attempt(s) (last: HTTP 503)');
    expect(fake.ids()).toEqual(['alert-1', 'alert-2', 'alert-2', 'alert-2']);
    expect(await delivery.checkpoint()).toBe(3);
    expect(clock.sleeps).toEqual([10, 20]);
  });

  it('waits no more than the backoff when handed a batch again after the clock stepped back', async () => {
    fake.script = [500, 500, 500, 200, 200, 200];
    await expect(delivery.handle(events)).rejects.toThrow('Alert alert-1 not delivered after 3 attempt(s) (last: HTTP 500)');
    clock.pass(-3_600_000); // NTP steps the clock back an hour before the runner hands the batch over again
    await delivery.handle(events);
    // Without the bound: 30 + 3,600,000 ms before the fourth attempt.
    expect(clock.sleeps).toEqual([10, 20, 30]);
  });

  it('goes on doubling the backoff up to maxMs across the batches the runner hands over again, and starts over for the next alert', async () => {
    // Found in the audit of 2026-12-06: with the service's 0.5 s doubling to 30 s and 5 attempts a batch, a receiver that
    // was down was retried 0.5, 1, 2, 4 s, then again 0.5 s after the runner's resubscription (0.1-5 s): the 30 s cap was
    // never reached and a pager endpoint that was down got 5 requests every 8-13 s for as long as it lasted.
    delivery = deliveryWith({ retry: { minMs: 10, maxMs: 80, maxAttemptsPerBatch: 2 } });
    fake.script = [500, 500, 500, 500, 500, 500];
    await expect(delivery.handle(events)).rejects.toThrow('Alert alert-1 not delivered after 2 attempt(s) (last: HTTP 500)');
    clock.pass(5); // the runner's resubscription delay counts towards the wait
    await expect(delivery.handle(events)).rejects.toThrow('Alert alert-1 not delivered after 4 attempt(s) (last: HTTP 500)');
    await expect(delivery.handle(events)).rejects.toThrow('Alert alert-1 not delivered after 6 attempt(s) (last: HTTP 500)');
    fake.script = [200, 503, 200];
    await delivery.handle(events);
    expect(clock.sleeps).toEqual([10, 20 - 5, 40, 80, 80, 80, 10]);
    expect(fake.ids()).toEqual([...Array(7).fill('alert-1'), 'alert-2', 'alert-2', 'alert-3']);
    expect(logs).toContain('warn Alert alert-1 attempt 5 failed (HTTP 500); retrying in 80 ms');
    expect(logs).toContain('log Alert alert-1 delivered on attempt 7');
    expect(await delivery.checkpoint()).toBe(8);
  });

  // The logs audit: 'resubscribing in 100 ms' after the 5th failure (the runner's delay), and the next attempt 8 s later
  // (the alert's backoff, 0.5 s doubling). The error carries that wait, which the runner's line gives.
  it("gives up with the wait before the alert's next attempt, which the batch handed over again waits out", async () => {
    delivery = deliveryWith({ retry: { minMs: 500, maxMs: 30_000, maxAttemptsPerBatch: 5 } });
    fake.script = [500, 500, 500, 500, 500, 200, 200, 200];
    const failure = await delivery.handle(events).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AlertDeliveryError);
    expect((failure as AlertDeliveryError).nextAttemptInMs).toBe(8000);
    clock.pass(100); // the runner's resubscription delay
    await delivery.handle(events);
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000, 8000 - 100]);
  });

  it('resumes from the checkpoint and delivers the rest exactly once, whether the batch is replayed or resumed', async () => {
    fake.script = [200, 500, 500, 500];
    await expect(delivery.handle(events)).rejects.toThrow(AlertDeliveryError);

    // The ProjectionRunner resubscribes from its own position and hands over the same batch again.
    fake.script = [500, 500, 500];
    await expect(delivery.handle(events)).rejects.toThrow(AlertDeliveryError);
    fake.script = [];
    await delivery.handle(events);
    expect(await delivery.checkpoint()).toBe(8);

    // A restart reads the checkpoint and gets only what follows it: nothing is re-sent.
    const restarted = new AlertWebhookDelivery(options(), checkpoints, fake.fn, clock);
    expect(await restarted.checkpoint()).toBe(8);
    await restarted.handle(events.filter((e) => e.position > 8));

    expect(fake.delivered()).toEqual(['alert-1', 'alert-2', 'alert-3']);
    expect(fake.ids()).toEqual(['alert-1', ...Array(7).fill('alert-2'), 'alert-3']);
  });

  it('a fresh instance after a crash starts after the saved checkpoint', async () => {
    fake.script = [200, 500, 500, 500];
    await expect(delivery.handle(events)).rejects.toThrow(AlertDeliveryError);
    const restarted = new AlertWebhookDelivery(options(), checkpoints, fake.fn, clock);
    const from = await restarted.checkpoint();
    await restarted.handle(events.filter((e) => from === null || e.position > from));
    expect(fake.ids()).toEqual(['alert-1', 'alert-2', 'alert-2', 'alert-2', 'alert-2', 'alert-3']);
    expect(await checkpoints.get('alert-webhook')).toBe(8);
  });

  it('sends each alert once from instances sharing the checkpoints: one holds the lease, the other waits for the checkpoint', async () => {
    const other = new AlertWebhookDelivery(options(), checkpoints, fake.fn, clock);
    await Promise.all([delivery.handle(events), other.handle(events)]);
    expect(fake.ids()).toEqual(['alert-1', 'alert-2', 'alert-3']);
    expect(await checkpoints.get('alert-webhook')).toBe(8);
  });

  it('goes on with the backoff the failing alert reached when another instance takes the lease over (or this one restarts)', async () => {
    // Found in the audit of 2026-12-06: the backoff lived in the sender's memory, so an instance taking over the lease
    // (or the sender restarted) began again at minMs against a receiver still failing: 0.5, 1, 2, 4 s on each failover.
    delivery = deliveryWith({ retry: { minMs: 10, maxMs: 80, maxAttemptsPerBatch: 3 } });
    fake.script = [500, 500, 500, 500, 200];
    await expect(delivery.handle(events)).rejects.toThrow('Alert alert-1 not delivered after 3 attempt(s) (last: HTTP 500)');
    delivery.stop();
    await new Promise((resolve) => setImmediate(resolve));
    const successor = new AlertWebhookDelivery(options({ retry: { minMs: 10, maxMs: 80, maxAttemptsPerBatch: 3 } }), checkpoints, fake.fn, clock);
    const before = clock.sleeps.length;
    clock.pass(5); // the takeover's own delay counts towards the wait
    await successor.handle(events);
    // 40 - 5 before its first attempt (the fourth in a row), 80 before the fifth; not 10 and 20 again.
    expect(clock.sleeps.slice(before)).toEqual([40 - 5, 80]);
    expect(fake.delivered()).toEqual(['alert-1', 'alert-2', 'alert-3']);
    // Delivered: the next failing alert starts again from minMs, wherever it is sent from.
    expect(await checkpoints.failures('alert-webhook')).toBeNull();
    fake.script = [500, 200];
    const third = new AlertWebhookDelivery(options({ retry: { minMs: 10, maxMs: 80, maxAttemptsPerBatch: 3 } }), checkpoints, fake.fn, clock);
    successor.stop();
    await new Promise((resolve) => setImmediate(resolve));
    const last = clock.sleeps.length;
    await third.handle([anomaly(4, 9)]);
    expect(clock.sleeps.slice(last)).toEqual([10]);
  });

  it('takes over from a sender that died once its lease has run out, and at once from one that stopped', async () => {
    fake.script = [200, 500, 500, 500];
    await expect(delivery.handle(events)).rejects.toThrow(AlertDeliveryError);
    const successor = new AlertWebhookDelivery(options({ leaseMs: 6_000 }), checkpoints, fake.fn, clock);
    const waited = clock.sleeps.length;
    await successor.handle(events);
    // The first instance's lease had to stand still for the successor's lease length (6 s here; 60 s for every
    // instance in the service) by the successor's clock, which looked 60 times in it; the end the first one wrote
    // (60 s from its last attempt, by its own clock) is not compared with the successor's clock.
    const watched = clock.sleeps.slice(waited).reduce((sum, ms) => sum + ms, 0);
    expect(watched).toBeGreaterThanOrEqual(6_000);
    expect(watched).toBeLessThan(6_000 + 200);
    expect(fake.delivered()).toEqual(['alert-1', 'alert-2', 'alert-3']);

    successor.stop();
    await new Promise((resolve) => setImmediate(resolve));
    const third = new AlertWebhookDelivery(options(), checkpoints, fake.fn, clock);
    const before = clock.sleeps.length;
    await third.handle([anomaly(4, 9)]);
    expect([clock.sleeps.length - before, fake.delivered()]).toEqual([0, ['alert-1', 'alert-2', 'alert-3', 'alert-4']]);
  });

  it('takes over at once the lease of a sender that died on this host (kill -9, then a restart), and waits out one of another host standing still', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    await checkpoints.lease('alert-webhook', `${pidHost()}:${deadPid}:0a1b2c3d`, clock.now(), clock.now() + 60_000);
    await delivery.handle([events[0]]);
    expect([clock.sleeps, fake.delivered()]).toEqual([[], ['alert-1']]);

    await checkpoints.lease('alert-webhook', 'another-host:1:0a1b2c3d', clock.now() + 60_000, clock.now() + 120_000);
    const restarted = new AlertWebhookDelivery(options(), checkpoints, fake.fn, clock);
    await restarted.handle([events[1]]);
    // Not until its end (by its holder's clock, which may be far from this one's), but once it has stood still for the
    // lease's length (60 s) by this instance's clock.
    const waited = clock.sleeps.reduce((sum, ms) => sum + ms, 0);
    expect(waited).toBeGreaterThanOrEqual(60_000);
    expect(waited).toBeLessThan(120_000 - 20);
    expect(fake.delivered()).toEqual(['alert-1', 'alert-2']);
  });

  it('leaves the lease to a holder that renews it, whatever its own clock: one 10 minutes ahead signs nothing', async () => {
    // Found in the time audit of 2026-12-07 (two instances, one under faketime +10m): the instance ahead found the
    // holder's lease ended by its clock, took it, sent an alert the holder had just delivered, and kept the lease,
    // every signature 600 s ahead, which receivers refuse (a 300 s tolerance).
    const ahead: DeliveryClock = { now: () => clock.now() + 600_000, elapsed: clock.elapsed, sleep: clock.sleep };
    const other = new AlertWebhookDelivery(options({ retry: { minMs: 2_000, maxMs: 4_000, maxAttemptsPerBatch: 5 } }), checkpoints, fake.fn, ahead);
    delivery = deliveryWith({ retry: { minMs: 2_000, maxMs: 4_000, maxAttemptsPerBatch: 5 } });
    fake.script = [500, 500, 500];
    await delivery.handle([events[0]]);
    await Promise.all([delivery.handle(events.slice(1)), other.handle(events)]);
    const signedAt = fake.calls.map((call) => Number(/t=(\d+)/.exec(call.init.headers['ParseSphere-Signature'])![1]) * 1000 - NOW_MS);
    expect(signedAt.every((ms) => ms < 600_000)).toBe(true);
    expect(fake.delivered()).toEqual(['alert-1', 'alert-2', 'alert-3']);
  });

  it('advances the checkpoint over events that are not alerts without sending them', async () => {
    const other: RecordedEvent = { ...anomaly(9, 9), type: 'KeyCreated' };
    await delivery.handle([events[0], other]);
    expect(fake.ids()).toEqual(['alert-1']);
    expect(await delivery.checkpoint()).toBe(9);
  });

  it('throws before sending anything for a malformed alert, leaving the checkpoint in place', async () => {
    const broken: RecordedEvent = { ...anomaly(2, 7), data: { alertId: 'x' } };
    await expect(delivery.handle([events[0], broken, events[2]])).rejects.toThrow(/Malformed AnomalyDetected event at position 7/);
    expect(fake.ids()).toEqual(['alert-1']);
    expect(await delivery.checkpoint()).toBe(3);
  });

  it('saveCheckpoint never moves the checkpoint back; a log that ends before it (restored from a copy) moves it back to that end', async () => {
    await delivery.saveCheckpoint(10);
    await delivery.saveCheckpoint(4);
    expect(await delivery.checkpoint()).toBe(10);
    expect(await delivery.startOverWithin(6)).toBe(6);
    expect(await delivery.checkpoint()).toBe(6);
    await delivery.saveCheckpoint(12);
    expect(await delivery.checkpoint()).toBe(12);
    // An emptied log: back to before its first event, never to none (none means "never configured": start at the end).
    expect(await delivery.startOverWithin(null)).toBe(0);
    expect(await delivery.checkpoint()).toBe(0);
  });

  it('stop() lets the request in flight finish and checkpoints it, then makes no further attempt', async () => {
    let answer!: (response: { status: number }) => void;
    const calls: string[] = [];
    const slowFetch: WebhookFetch = async (_url, init) => {
      calls.push(init.headers['Idempotency-Key']);
      return new Promise((resolve) => (answer = resolve));
    };
    delivery = new AlertWebhookDelivery(options(), checkpoints, slowFetch, clock);
    const running = delivery.handle(events);
    await new Promise((resolve) => setTimeout(resolve, 20));
    delivery.stop();
    answer({ status: 200 });
    await expect(running).rejects.toThrow('Alert webhook delivery stopped');
    expect(calls).toEqual(['alert-1']);
    expect(await delivery.checkpoint()).toBe(3);
    await expect(delivery.handle(events)).rejects.toThrow('Alert webhook delivery stopped');
    expect(calls).toEqual(['alert-1']);
  });

  it('stop() with a failing request in flight says it is sent again after the restart, not that it is retried', async () => {
    let answer!: (response: { status: number }) => void;
    const slowFetch: WebhookFetch = async () => new Promise((resolve) => (answer = resolve));
    delivery = new AlertWebhookDelivery(options({ onLog: (level, message) => logs.push(`${level} ${message}`) }), checkpoints, slowFetch, clock);
    const running = delivery.handle(events);
    await new Promise((resolve) => setTimeout(resolve, 20));
    delivery.stop();
    answer({ status: 503 });
    await expect(running).rejects.toThrow('Alert webhook delivery stopped');
    expect(logs).toEqual(['warn Alert alert-1 attempt 1 failed (HTTP 503); stopping: it is sent again after the restart']);
    expect(await delivery.checkpoint()).toBeNull();
  });

  it('stop() ends a backoff wait at once', async () => {
    const waitingClock: DeliveryClock = {
      now: () => NOW_MS,
      elapsed: () => 0,
      sleep: (_ms, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    };
    delivery = new AlertWebhookDelivery(options(), checkpoints, fake.fn, waitingClock);
    fake.script = [503];
    const running = delivery.handle(events);
    await new Promise((resolve) => setTimeout(resolve, 20));
    delivery.stop();
    await expect(running).rejects.toThrow();
    expect(fake.calls).toHaveLength(1);
    expect(await delivery.checkpoint()).toBeNull();
  });

  it('never puts the secret or the URL in logs or errors', async () => {
    fake.script = [500, 'network', 'network'];
    const error = await delivery.handle(events).catch((e: Error) => e);
    const text = [...logs, String(error), (error as Error).stack ?? ''].join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('url-credential');
    expect(text).not.toContain('hooks.example.test');
  });

  it('refuses bad options naming the setting, never its value', () => {
    const attempt = (o: AlertWebhookOptions) => () => new AlertWebhookDelivery(o, checkpoints, fake.fn, clock);
    expect(attempt(options({ url: 'not a url with secret-ish' }))).toThrow(/^Alert webhook: url must be an http\(s\) URL, with a host and a port from 1 to 65535$/);
    expect(attempt(options({ url: 'ftp://example.test/' }))).toThrow(/^Alert webhook: url must be an http\(s\) URL$/);
    expect(attempt(options({ url: 'https://user:pw@example.test/' }))).toThrow(/^Alert webhook: url must not hold a user name or password/);
    expect(attempt(options({ secret: '' }))).toThrow(/secret is empty/);
    expect(attempt(options({ timeoutMs: 0 }))).toThrow(/timeoutMs/);
    expect(attempt(options({ retry: { minMs: 50, maxMs: 10, maxAttemptsPerBatch: 3 } }))).toThrow(/retry delays/);
    expect(attempt(options({ retry: { minMs: 1, maxMs: 10, maxAttemptsPerBatch: 0 } }))).toThrow(/maxAttemptsPerBatch/);
  });
});
