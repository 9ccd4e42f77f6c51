import { Inject, Injectable, Logger } from '@nestjs/common';
import { Environment } from '../../shared/config/environment.js';
import { failureGuardSubject, networkOf } from '../../shared/domain/client-address.js';
import { type AddressRecording, recordedAddress } from '../../usage/domain/recorded-client.js';
import type { CounterSeries } from '../../shared/metrics/metrics.port.js';
import type { RateLimit } from '../../shared/rate-limit/gcra.js';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../../shared/rate-limit/rate-limit-store.port.js';
import { AuthenticationMetrics } from './authentication-metrics.js';

export interface FailureGuard {
  allowed: boolean;
  retryAfterSeconds: number;
}

const SWEEP_EVERY = 10_000;

/**
 * Brute-force guard: each client address (an IPv6 one by its /64: failureGuardSubject) may fail authentication
 * only so often. Failures are counted in
 * the rate-limit store (shared by every instance with Redis); the check costs no round trip: it answers from
 * what the address's last recorded failure on this instance said. With N instances an address can so make
 * at most limit + N - 1 failed attempts in a window: each instance learns of the block at its own next failure.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly limit: RateLimit;
  /** Per IPv6 /48 (AUTH_FAILURE_NETWORK_LIMIT): a holder spreading over its 65,536 /64s is limited as a whole. */
  private readonly networkLimit: RateLimit;
  private readonly loggedAddress: AddressRecording;
  /**
   * Addresses with no failure left, and until when, by the monotonic clock: by the wall clock, a step back of an hour
   * (NTP) kept an address blocked for a 60 s window for that hour.
   */
  private readonly blockedUntil = new Map<string, number>();
  /**
   * IPv6 /64s that failed here in the window, until when (monotonic): only they are refused by their /48's block. A /48
   * is no single site (an Amazon-provided VPC block is a /56, 256 of them to a /48; a mobile network gives each device
   * a /64, RFC 7934): refusing all of it let one tenant failing AUTH_FAILURE_NETWORK_LIMIT times lock out every other.
   */
  private readonly failedRecently = new Map<string, number>();
  private recordsSinceSweep = 0;
  private readonly logger = new Logger('Authentication');
  private readonly refused: CounterSeries;

  constructor(
    @Inject(Environment) config: Environment,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    @Inject(AuthenticationMetrics) metrics: AuthenticationMetrics,
  ) {
    this.limit = {
      requests: config.AUTH_FAILURE_LIMIT,
      perSeconds: config.AUTH_FAILURE_WINDOW_SECONDS,
    };
    this.networkLimit = { requests: config.AUTH_FAILURE_NETWORK_LIMIT, perSeconds: config.AUTH_FAILURE_WINDOW_SECONDS };
    this.refused = metrics.rateLimited.series({ limit: 'address' });
    this.loggedAddress = config.RECORD_CLIENT_ADDRESS;
  }

  /**
   * Refused when the address, however spelled (or its /64), has used up its failures, or failed in the window while its
   * /48 has used up its own; nothing is spent by asking.
   */
  check(client: string): FailureGuard {
    // Nearly always nothing is blocked: then the address need not be read (an IPv6 one costs about 2 µs).
    if (this.blockedUntil.size === 0) return { allowed: true, retryAfterSeconds: 0 };
    const address = failureGuardSubject(client);
    const network = wideNetworkOf(address, client);
    const now = performance.now();
    const networkApplies = network !== null && (this.failedRecently.get(address) ?? 0) > now;
    const until = Math.max(this.blockedUntil.get(address) ?? 0, networkApplies ? (this.blockedUntil.get(network) ?? 0) : 0);
    if (until <= now) return { allowed: true, retryAfterSeconds: 0 };
    this.refused.inc();
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  /** Counts a failure; callers wait for it before answering, so the address's next request sees the block. */
  recordFailure(client: string): Promise<void> {
    const address = failureGuardSubject(client);
    const network = wideNetworkOf(address, client);
    // Counted on the /48 too, and waited for as well: the next request from any of its /64s sees its block.
    if (network !== null) this.failedRecently.set(address, performance.now() + this.limit.perSeconds * 1000);
    const networkCounted =
      network === null
        ? Promise.resolve()
        : this.store.consume(`auth-net:${network}`, this.networkLimit).then((decision) => {
            if (decision.nextAllowedInMs > 0) this.blockedUntil.set(network, performance.now() + decision.nextAllowedInMs);
            else this.blockedUntil.delete(network);
          });
    const addressCounted = this.store.consume(`auth:${address}`, this.limit).then((decision) => {
      const now = performance.now();
      if (decision.nextAllowedInMs > 0) this.blockedUntil.set(address, now + decision.nextAllowedInMs);
      else this.blockedUntil.delete(address);
      // The failure that spends the address's last allowance trips the guard: logged once per burst, not per refusal.
      if (decision.allowed && decision.remaining === 0) {
        this.logger.warn({
          msg: 'failed-auth burst',
          // A log line keeps no more of the client than the events do (RECORD_CLIENT_ADDRESS, docs/personal-data.md).
          address: this.loggedAddress === 'full' ? address : recordedAddress(client, this.loggedAddress),
          failures: this.limit.requests,
          windowSeconds: this.limit.perSeconds,
          retryAfterSeconds: Math.max(1, Math.ceil(decision.nextAllowedInMs / 1000)),
        });
      }
      this.sweepNowAndThen(now);
    });
    return Promise.all([addressCounted, networkCounted]).then(() => undefined);
  }

  private sweepNowAndThen(now: number): void {
    if (++this.recordsSinceSweep < SWEEP_EVERY) return;
    this.recordsSinceSweep = 0;
    for (const [address, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(address);
    for (const [address, until] of this.failedRecently) if (until <= now) this.failedRecently.delete(address);
  }
}

/** An IPv6 client's /48 (its subject is its /64), else null: IPv4 addresses are counted one by one. */
function wideNetworkOf(subject: string, client: string): string | null {
  return subject.endsWith('/64') ? networkOf(client) : null;
}
