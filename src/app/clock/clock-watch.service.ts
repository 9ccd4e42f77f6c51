import { performance } from 'node:perf_hooks';
import { PeriodicTask } from '../../shared/runtime/periodic-task.js';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { Environment } from '../../shared/config/environment.js';
import { Metrics } from '../../shared/metrics/metrics.port.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import { CLOCK, type Clock, systemClock } from '../../shared/runtime/clock.js';
import { type ClockStanding, type ClockWatch, MEASURING, offsetBounds, standingSinceStart } from '../../shared/runtime/clock-standing.js';
import { errorMessage } from '../../shared/runtime/error-message.js';
import { HEARTBEAT_FORGET_AFTER_MS, HEARTBEAT_INTERVAL_MS } from '../storage/service-heartbeat.js';
import { ServiceHeartbeatService } from '../storage/service-heartbeat.service.js';
import { PeerClockSamples } from './peer-clock-samples.js';

/** How often the heartbeats are read: a sample is within this (plus a read) of the offset it measures. */
export const CLOCK_READ_INTERVAL_MS = 500;
/** How long a peer's beat may stand still before it counts as gone; also how long a start watches before judging. */
const LIVE_FOR_MS = 3 * HEARTBEAT_INTERVAL_MS;

/**
 * Measures this instance's clock against the other instances' (their heartbeats, PeerClockSamples) and says how it
 * stands (CLOCK_WATCH): one error line when it goes out of step, one line when it agrees again, two gauges. Watching
 * the heartbeats by the monotonic clock, it is also what removes those that stood still for an hour (crashed
 * services): removing by age would compare clocks, and a clock far ahead removed every live service's beat.
 */
@Injectable()
export class ClockWatchService implements ClockWatch, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Clock');
  private readonly samples: PeerClockSamples;
  private readonly toleranceMs: number;
  private current: ClockStanding = MEASURING;
  /** Where the last measure puts this clock (for the gauges; null while not measured). */
  private bounds: ReturnType<typeof offsetBounds> = null;
  private watchingSince: number | null = null;
  private readonly reads = new PeriodicTask(() => this.measure(), CLOCK_READ_INTERVAL_MS);

  constructor(
    @Inject(ServiceHeartbeatService) private readonly heartbeats: ServiceHeartbeatService,
    @Inject(Environment) config: Environment,
    @Optional() @Inject(Metrics) metrics: Metrics = NO_METRICS,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {
    this.toleranceMs = config.CLOCK_TOLERANCE_MS;
    this.samples = new PeerClockSamples(heartbeats.holder, LIVE_FOR_MS);
    metrics.gauge({
      name: 'parsesphere_clock_offset_seconds',
      help: "How far this instance's clock is ahead (+) or behind (-) the median of the other instances' clocks, the middle of what the heartbeats bound it to (0 when alone).",
      read: () => (this.bounds?.midpointMs ?? 0) / 1000,
    });
    metrics.gauge({
      name: 'parsesphere_clock_offset_uncertainty_seconds',
      help: 'How far the true offset may be from parsesphere_clock_offset_seconds, either way: how late the heartbeats may have been read (0 when alone).',
      read: () => (this.bounds?.halfWidthMs ?? 0) / 1000,
    });
    metrics.gauge({
      name: 'parsesphere_clock_out_of_step',
      help: '1 when this clock reads beyond CLOCK_TOLERANCE_MS from most instances\' clocks (it then records no expiry), else 0.',
      read: () => (this.current.status === 'out_of_step' ? 1 : 0),
    });
  }

  standing(): ClockStanding {
    return this.current;
  }

  get tolerance(): number {
    return this.toleranceMs;
  }

  /** Read at once: alone, an instance decides from its start (until then, measuring, it decides nothing). */
  onApplicationBootstrap(): void {
    void this.read();
    this.reads.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.reads.stop();
  }

  /** One read of the heartbeats; reads do not overlap. */
  read(): Promise<void> {
    return this.reads.runOnce();
  }

  private async measure(): Promise<void> {
    try {
      const startedMs = performance.now();
      const beats = await this.heartbeats.everyBeat();
      this.samples.observe(beats, this.clock.now(), { startedMs, endedMs: performance.now() }, this.heartbeats.writeLatencyMs());
      const crashed = this.samples.stillFor(HEARTBEAT_FORGET_AFTER_MS, performance.now());
      if (crashed.length > 0) {
        await this.heartbeats.forget(crashed);
        this.samples.forget(crashed);
      }
    } catch (error) {
      // The heartbeat service reports its store; the samples taken so far age out meanwhile.
      this.logger.debug({ msg: 'heartbeats not read', error: errorMessage(error) });
    }
    const now = performance.now();
    this.watchingSince ??= now;
    const watch = { watchedMs: now - this.watchingSince, windowMs: LIVE_FOR_MS, othersSeen: this.samples.othersSeen, peerOffsets: this.samples.offsets(now) };
    const standing = standingSinceStart(watch, this.toleranceMs);
    this.bounds = standing.offsetMs === null ? null : offsetBounds(watch.peerOffsets);
    this.settle(standing);
  }

  private settle(next: ClockStanding): void {
    const before = this.current;
    this.current = next;
    if (next.status === 'out_of_step' && before.status !== 'out_of_step') {
      this.logger.error({
        msg: "clock out of step: this instance's clock reads beyond CLOCK_TOLERANCE_MS from most instances'; it records no key expiry until it agrees again (verify still refuses a key by this clock)",
        offset_ms: next.offsetMs,
        instances: next.instances,
        agreeing: next.agreeing,
        tolerance_ms: this.toleranceMs,
      });
    } else if (next.status !== 'out_of_step' && before.status === 'out_of_step') {
      this.logger.log({ msg: 'clock agrees again: this instance records key expiries again', offset_ms: next.offsetMs, instances: next.instances });
    }
    if (next.outvoted && !before.outvoted) {
      this.logger.error({
        msg: "clock outvoted: most instances' clocks agree with each other and not with this one; it refuses changes to keys (503) and is not ready until its clock is fixed",
        offset_ms: next.offsetMs,
        instances: next.instances,
        agreeing: next.agreeing,
      });
    } else if (!next.outvoted && before.outvoted) {
      this.logger.log({ msg: 'clock no longer outvoted: this instance takes changes to keys and is ready again', offset_ms: next.offsetMs, instances: next.instances });
    }
  }
}
