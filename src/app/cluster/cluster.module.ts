import { type DynamicModule, Global, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InProcessRateLimitStore } from '../../infrastructure/in-memory/in-process-rate-limit-store.js';
import { RedisAppendFanOut } from '../../infrastructure/redis/redis-append-fan-out.js';
import { describeRedisError, openRedisConnection, openRedisSubscriber } from '../../infrastructure/redis/redis-connection.js';
import { RedisRateLimitStore } from '../../infrastructure/redis/redis-rate-limit-store.js';
import { watchEventLoopStalls } from '../../infrastructure/redis/event-loop-stalls.js';
import { RedisRevocationConfirmations } from '../../infrastructure/redis/redis-revocation-confirmations.js';
import { Environment } from '../../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../../shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../../shared/projections/projection-progress.js';
import { REVOCATION_CONFIRMATIONS, type RevocationConfirmations } from '../../shared/projections/revocation-confirmations.port.js';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';
import { Metrics } from '../../shared/metrics/metrics.port.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import { configuredSecrets } from '../start/start-failure.js';
import { declareRateLimitFallbackCounters, exposeRateLimitSharing } from './rate-limit-metrics.js';

const FIRST_CONNECT_WAIT_MS = 2000;
/** How long a DELETE waits for the other instances' confirmations: the propagation bound the receipt reports against. */
const CONFIRMATION_WAIT_MS = 50;
const logger = new Logger('Cluster');

/**
 * What instances share, chosen here once: with REDIS_URL, rate limits in Redis and a nudge after each append
 * of the embedded log; without it, limits in this process and the log's own poll. An unreachable Redis does
 * not stop the start: the instance counts alone and the connections keep trying.
 */
async function openRateLimitStore(config: Environment, metrics: Metrics | undefined): Promise<RateLimitStore> {
  metrics ??= NO_METRICS;
  const counters = declareRateLimitFallbackCounters(metrics);
  if (!config.REDIS_URL) {
    // Leases are reserved in Redis: set alone, the setting would change nothing, and nothing would say so.
    if (config.RATE_LIMIT_LEASE_MS > 0) {
      logger.warn(`RATE_LIMIT_LEASE_MS=${config.RATE_LIMIT_LEASE_MS} has no effect without REDIS_URL: this instance counts its limits alone, exactly`);
    }
    const store = new InProcessRateLimitStore();
    exposeRateLimitSharing(metrics, store);
    return store;
  }
  const redis = openRedisConnection(config.REDIS_URL, 'parsesphere-keys-limits');
  const store = new RedisRateLimitStore(redis, (level, message, fields) => (fields ? logger[level]({ msg: message, ...fields }) : logger[level](message)), {
    counters,
    leaseMs: config.RATE_LIMIT_LEASE_MS,
    secrets: configuredSecrets({ REDIS_URL: config.REDIS_URL }),
    recentLoopStallMs: watchEventLoopStalls(),
  });
  exposeRateLimitSharing(metrics, store);
  await store.waitForFirstConnection(FIRST_CONNECT_WAIT_MS);
  return store;
}

/** One `warn` line per reason Redis gives for refusing a SUBSCRIBE (retried every few seconds), saying what it costs. */
function subscribeRefusals(config: Environment, cost: string): (error: unknown) => void {
  const logged = new Set<string>();
  return (error) => {
    const reason = describeRedisError(error, configuredSecrets({ REDIS_URL: config.REDIS_URL }));
    if (logged.has(reason)) return;
    logged.add(reason);
    logger.warn(`Redis refused SUBSCRIBE (${reason}), asked again every 5 s: until it accepts, ${cost} (the Redis user needs the channels parsesphere:*)`);
  };
}

function openAppendFanOut(config: Environment, store: EventStore): RedisAppendFanOut | null {
  if (!config.REDIS_URL || !store.onAppended) return null;
  return new RedisAppendFanOut(
    openRedisConnection(config.REDIS_URL, 'parsesphere-keys-publish'),
    openRedisSubscriber(config.REDIS_URL, 'parsesphere-keys-subscribe'),
    store,
    subscribeRefusals(config, "this instance hears no other instance's appends at once, only at its poll of the log"),
  );
}

function openRevocationConfirmations(config: Environment, progress: ProjectionProgress): RedisRevocationConfirmations | null {
  if (!config.REDIS_URL) return null;
  return new RedisRevocationConfirmations(
    openRedisConnection(config.REDIS_URL, 'parsesphere-keys-confirm'),
    openRedisSubscriber(config.REDIS_URL, 'parsesphere-keys-confirm-subscribe'),
    (position) => progress.inForce(position),
    CONFIRMATION_WAIT_MS,
    subscribeRefusals(config, "this instance confirms no other instance's revocations (their receipts count it live, unconfirmed)"),
  );
}

const NO_CONFIRMATIONS: RevocationConfirmations = { confirm: async () => null };

@Global()
@Module({})
export class ClusterModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(RATE_LIMIT_STORE) private readonly limits: RateLimitStore,
    @Inject(RedisAppendFanOut) private readonly fanOut: RedisAppendFanOut | null,
    @Inject(RedisRevocationConfirmations) private readonly confirmations: RedisRevocationConfirmations | null,
  ) {}

  static forRoot(): DynamicModule {
    return {
      module: ClusterModule,
      providers: [
        { provide: RATE_LIMIT_STORE, useFactory: openRateLimitStore, inject: [Environment, { token: Metrics, optional: true }] },
        { provide: RedisAppendFanOut, useFactory: openAppendFanOut, inject: [Environment, EVENT_STORE] },
        { provide: RedisRevocationConfirmations, useFactory: openRevocationConfirmations, inject: [Environment, ProjectionProgress] },
        {
          provide: REVOCATION_CONFIRMATIONS,
          useFactory: (redis: RedisRevocationConfirmations | null) => redis ?? NO_CONFIRMATIONS,
          inject: [RedisRevocationConfirmations],
        },
      ],
      exports: [RATE_LIMIT_STORE, REVOCATION_CONFIRMATIONS],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.fanOut?.start();
    await this.confirmations?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.limits.close(), this.fanOut?.close(), this.confirmations?.close()]);
  }
}
