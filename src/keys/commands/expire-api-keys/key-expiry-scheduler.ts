import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { PeriodicTask } from '../../../shared/runtime/periodic-task.js';
import { EVENT_STORE, type EventStore } from '../../../shared/event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../../shared/runtime/clock.js';
import { CLOCK_WATCH, type ClockWatch, mayDecideByClock, UNWATCHED_CLOCK } from '../../../shared/runtime/clock-standing.js';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../../../usage/projection/key-usage-read-model.port.js';
import { KeyTable, type KnownKey } from '../../authentication/key-table.js';
import { decideOnKey } from '../decide-on-key.js';

const CHECK_EVERY_MS = 1000;

/**
 * Appends KeyExpired when a key's time is up: its expiry, the grace end of a roll, or a rolled key gone idle
 * (close_when_idle_seconds), so the history and any replay show when and why it ended. The key is refused from
 * its end instant on by the verifier, however late this runs; every instance runs it, and the Decider appends
 * the event once (a second instance finds the key expired and appends nothing). KeyExpired is final and dated by
 * this instance's clock, so an instance whose clock is out of step with the others' (CLOCK_WATCH) records none: a
 * clock running ahead would end every instance's keys early, for good.
 */
@Injectable()
export class KeyExpiryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Keys');
  private readonly passes = new PeriodicTask(() => this.pass(), CHECK_EVERY_MS);

  constructor(
    @Inject(KeyTable) private readonly keys: KeyTable,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_USAGE_READ_MODEL) private readonly usage: KeyUsageReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(CLOCK_WATCH) private readonly clockWatch: ClockWatch = UNWATCHED_CLOCK,
  ) {}

  onApplicationBootstrap(): void {
    this.passes.start();
  }

  async onModuleDestroy(): Promise<void> {
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
    const idleWatch: KnownKey[] = [];
    for (const key of this.keys.ending()) {
      if (now >= key.endsAtMs) due.push(key);
      else if (key.rotation?.closeWhenIdleSeconds != null) idleWatch.push(key);
    }
    const lastUse = new Map<string, string>();
    if (idleWatch.length > 0) {
      try {
        for (const [id, view] of await this.usage.getMany(idleWatch.map((key) => key.keyId))) lastUse.set(id, view.lastUsedAt);
      } catch (error) {
        this.logger.warn({ msg: 'idle check skipped: usage read model unavailable', error: String(error) });
        return this.expire(due, lastUse, now);
      }
      for (const key of idleWatch) {
        const rotation = key.rotation!;
        const last = Math.max(Date.parse(rotation.rolledAt), Date.parse(lastUse.get(key.keyId) ?? rotation.rolledAt));
        if (now >= last + rotation.closeWhenIdleSeconds! * 1000) due.push(key);
      }
    }
    return this.expire(due, lastUse, now);
  }

  private async expire(due: readonly KnownKey[], lastUse: ReadonlyMap<string, string>, now: number): Promise<void> {
    for (const key of due) {
      try {
        const decision = await decideOnKey(
          this.store,
          key.keyId,
          () => ({ type: 'ExpireApiKey', keyId: key.keyId, now: new Date(now).toISOString(), lastUsedAt: lastUse.get(key.keyId) ?? null }),
          { requestId: null },
        );
        for (const event of decision.events) {
          if (event.type === 'KeyExpired') this.logger.log({ msg: 'key expired', keyId: key.keyId, accountId: key.accountId, reason: event.data.reason });
        }
      } catch (error) {
        this.logger.warn({ msg: 'key expiry not recorded yet; retried at the next pass', keyId: key.keyId, error: String(error) });
      }
    }
  }
}
