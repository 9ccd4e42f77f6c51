import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { Environment } from '../../../shared/config/environment.js';
import { PeriodicTask } from '../../../shared/runtime/periodic-task.js';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { type CounterSeries, Metrics } from '../../../shared/metrics/metrics.port.js';
import { NO_METRICS } from '../../../shared/metrics/no-metrics.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { CLOCK_WATCH, type ClockWatch, mayDecideByClock, UNWATCHED_CLOCK } from '../../../shared/runtime/clock-standing.js';
import { IdleRetirement } from '../../authentication/idle-retirement.js';
import { KeyTable, type KnownKey } from '../../authentication/key-table.js';
import type { KnownUses } from '../../domain/idle-end.js';
import { decideOnKey } from '../decide-on-key.js';
import { readKeyUsesInLog } from './key-uses-in-log.js';

const CHECK_EVERY_MS = 1000;
/** Beyond USAGE_FLUSH_INTERVAL_MS, for a flush to be written: on the embedded log, milliseconds. */
const FLUSH_MARGIN_MS = 1000;
/** Uses read from the log in one pass, all keys together: about 10 ms of the request thread per thousand on the embedded log. */
const USES_READ_PER_PASS = 5000;

/**
 * Appends KeyExpired when a key's time is up: its expiry, the grace end of a roll, or a rolled key gone idle
 * (close_when_idle_seconds), so the history and any replay show when and why it ended. The key is refused from
 * its end instant on by the verifier, however late this runs; every instance runs it, and the Decider appends
 * the event once (a second instance finds the key expired and appends nothing). KeyExpired is final and dated by
 * this instance's clock, so an instance whose clock is out of step with the others' (CLOCK_WATCH) records none: a
 * clock running ahead would end every instance's keys early, for good.
 *
 * Idleness is decided on this instance's own uses and on the key's uses read from the log (IdleRetirement), never on
 * the usage views alone, which may trail the log by minutes: once a key looks idle, its usage stream is read after
 * what the summaries hold, no sooner than a usage flush and a margin past the deadline, when every instance has
 * appended the uses it made before it.
 */
@Injectable()
export class KeyExpiryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Keys');
  private readonly passes = new PeriodicTask(() => this.pass(), CHECK_EVERY_MS);
  /** How long after an idle deadline the log holds every instance's uses made before it. */
  private readonly settleMs: number;
  /** Keys whose idle check waits (told once until it goes through). */
  private readonly waiting = new WeakSet<KnownKey>();
  private readonly idleChecksWaiting: CounterSeries;
  /** Set by the stop: a pass ends after the expiry in flight, and the next start records the rest. */
  private stopping = false;

  constructor(
    @Inject(KeyTable) private readonly keys: KeyTable,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdleRetirement) private readonly idle: IdleRetirement,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(Environment) config: Environment,
    @Optional() @Inject(CLOCK_WATCH) private readonly clockWatch: ClockWatch = UNWATCHED_CLOCK,
    @Optional() @Inject(Metrics) metrics: Metrics = NO_METRICS,
  ) {
    this.settleMs = config.USAGE_FLUSH_INTERVAL_MS + FLUSH_MARGIN_MS;
    this.idleChecksWaiting = metrics
      .counter({
        name: 'parsesphere_idle_checks_waiting_total',
        help: "Rolled keys past their idle deadline by what the instance knew whose idle check waited: the key's uses in the log not read yet (too many for a pass, summaries not loaded, log unavailable).",
      })
      .series({});
  }

  onApplicationBootstrap(): void {
    this.passes.start();
  }

  async onModuleDestroy(): Promise<void> {
    // A pass over many keys due at one instant takes minutes (one append each); the stop must not wait for it.
    this.stopping = true;
    await this.passes.stop();
  }

  /** One pass: every key that is due gets its KeyExpired. Passes do not overlap. */
  runOnce(): Promise<void> {
    return this.passes.runOnce();
  }

  private async pass(): Promise<void> {
    // The watch has said so in the log once; the instances whose clocks agree record the expiries.
    if (!mayDecideByClock(this.clockWatch.standing())) return;
    const now = this.clock.now();
    const due: KnownKey[] = [];
    let budget = USES_READ_PER_PASS;
    for (const key of [...this.keys.ending()]) {
      if (key.rotation?.closeWhenIdleSeconds != null) budget -= await this.readUsesOnceDue(key, now, budget);
      if (now >= key.endsAtMs || this.idle.hasGoneIdle(key, now)) due.push(key);
    }
    return this.expire(due, now);
  }

  /**
   * Reads the key's uses from the log when it looks idle by what this instance knows and is not known complete to its
   * deadline, once a usage flush and a margin have passed since it. Returns how many uses it read.
   */
  private async readUsesOnceDue(key: KnownKey, now: number, budget: number): Promise<number> {
    const { lastUsedMs, completeUntilMs } = this.idle.known(key);
    const deadline = Math.max(Date.parse(key.rotation!.rolledAt), lastUsedMs ?? -Infinity) + key.rotation!.closeWhenIdleSeconds! * 1000;
    if (now < deadline + this.settleMs || (completeUntilMs !== null && completeUntilMs >= deadline)) return 0;
    const from = this.idle.readFrom(key);
    if (from === undefined) return this.wait(key, 'the usage summaries are not loaded yet');
    if (budget <= 0) return this.wait(key, 'other keys took this pass');
    try {
      const read = await readKeyUsesInLog(this.store, key.keyId, from.fromRevision, budget);
      const latest = Math.max(from.lastUsedMs ?? -Infinity, read.lastUsedMs ?? -Infinity);
      this.idle.logRead(key, {
        lastUsedMs: latest === -Infinity ? null : latest,
        throughRevision: read.throughRevision,
        completeUntilMs: read.atEnd ? now - this.settleMs : null,
      });
      if (!read.atEnd) this.wait(key, `more of its uses in the log than a pass reads (${read.count} read)`);
      else this.waiting.delete(key);
      return read.count;
    } catch (error) {
      return this.wait(key, `its uses could not be read from the log: ${String(error)}`);
    }
  }

  private wait(key: KnownKey, why: string): 0 {
    if (!this.waiting.has(key)) {
      this.waiting.add(key);
      this.idleChecksWaiting.inc();
      this.logger.warn({ msg: 'idle check waits: not retired idle until its uses are read', keyId: key.keyId, why });
    }
    return 0;
  }

  private async expire(due: readonly KnownKey[], now: number): Promise<void> {
    for (const key of due) {
      if (this.stopping) return;
      try {
        const decision = await decideOnKey(this.store, key.keyId, () => ({ type: 'ExpireApiKey', keyId: key.keyId, now: new Date(now).toISOString(), uses: this.usesOf(key) }), {
          requestId: null,
        });
        for (const event of decision.events) {
          if (event.type === 'KeyExpired') this.logger.log({ msg: 'key expired', keyId: key.keyId, accountId: key.accountId, reason: event.data.reason });
        }
      } catch (error) {
        this.logger.warn({ msg: 'key expiry not recorded yet; retried at the next pass', keyId: key.keyId, error: String(error) });
      }
    }
  }

  /** The facts the Decider decides idleness on: the same the request path refuses the key on. */
  private usesOf(key: KnownKey): KnownUses | null {
    if (key.rotation?.closeWhenIdleSeconds == null) return null;
    const { lastUsedMs, completeUntilMs } = this.idle.known(key);
    return { lastUsedAt: isoOrNull(lastUsedMs), completeUntil: isoOrNull(completeUntilMs) };
  }
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
