import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Environment } from '../../shared/config/environment.js';
import { processIdentity } from '../../shared/runtime/process-identity.js';
import type { ServiceHeartbeat, ServiceHeartbeats } from '../../shared/storage/service-heartbeats.port.js';
import { HEARTBEAT_INTERVAL_MS } from './service-heartbeat.js';
import { openServiceHeartbeats } from './storage.js';

/**
 * Says every HEARTBEAT_INTERVAL_MS that this service is using the store, so that `replay` refuses to rebuild
 * under it; says goodbye at a clean stop. Best effort: a store that is down delays the beats, never the service.
 */
@Injectable()
export class ServiceHeartbeatService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ServiceHeartbeat');
  private readonly identity = processIdentity();
  private heartbeats: ServiceHeartbeats | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  /** How long the last write of this service's beat took, and when (monotonic) the one under way started. */
  private lastWriteMs = 0;
  private writingSince: number | null = null;

  constructor(@Inject(Environment) private readonly config: Environment) {}

  async onModuleInit(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const heartbeats = this.heartbeats;
    this.heartbeats = null;
    await heartbeats?.end(this.identity.holder).catch(() => undefined);
    await heartbeats?.close().catch(() => undefined);
  }

  /** This service's holder in the heartbeats. */
  get holder(): string {
    return this.identity.holder;
  }

  /**
   * How long writing a beat takes this service now: the last write's time, or the one under way's so far when longer.
   * The other services write to the same store: the clock watch takes it for how late their beats may be written.
   */
  writeLatencyMs(): number {
    return Math.max(this.lastWriteMs, this.writingSince === null ? 0 : performance.now() - this.writingSince);
  }

  /** Every heartbeat the store holds, whatever its age by this clock (the clock watch measures that clock); none while the store cannot be reached. */
  async everyBeat(): Promise<ServiceHeartbeat[]> {
    return (await this.heartbeats?.since(new Date(0))) ?? [];
  }

  /** Removes crashed services' heartbeats (the clock watch finds them standing still). */
  async forget(holders: readonly string[]): Promise<void> {
    await this.heartbeats?.forget(holders);
  }

  private async beat(): Promise<void> {
    try {
      this.heartbeats ??= await openServiceHeartbeats(this.config, { onWarning: (message) => this.logger.warn(message) });
      const started = (this.writingSince = performance.now());
      await this.heartbeats.beat({ ...this.identity, beatAt: new Date() });
      this.lastWriteMs = performance.now() - started;
      if (this.failing) this.logger.log('Heartbeat written again');
      this.failing = false;
    } catch (error) {
      this.lastWriteMs = this.writeLatencyMs();
      if (!this.failing) this.logger.warn(`Heartbeat not written (replay cannot see this service): ${(error as Error).message}`);
      this.failing = true;
      const broken = this.heartbeats;
      this.heartbeats = null;
      await broken?.close().catch(() => undefined);
    } finally {
      this.writingSince = null;
    }
  }
}
