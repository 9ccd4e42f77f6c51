import type { Redis } from 'ioredis';
import { emissionIntervalMs, type RateLimit, type RateState } from '../../shared/rate-limit/gcra.js';
import { GCRA_RELEASE_SCRIPT, GCRA_RESERVE_SCRIPT, GCRA_SCRIPT, GCRA_SEED_SCRIPT } from './gcra-script.js';

export type GcraReply = [admitted: number, storedState: string, nowMs: number];

/** A connection with the GCRA scripts defined on it (EVALSHA, falling back to EVAL once per script). */
export type WithGcra = Redis & {
  parsesphereGcra(key: string, requests: string, intervalMs: string): Promise<GcraReply>;
  parsesphereGcraReserve(key: string, requests: string, intervalMs: string, wanted: string): Promise<GcraReply>;
  parsesphereGcraRelease(key: string, requests: string, intervalMs: string, unspent: string): Promise<number>;
  parsesphereGcraSeed(key: string, requests: string, intervalMs: string, level: string): Promise<number>;
};

// Not 'parsesphere:rate:', where versions before the level state kept a TAT: during a rolling upgrade the old and
// the new instances count apart (a key may get its limit twice for one window), instead of misreading each other.
export const KEY_PREFIX = 'parsesphere:rate-level:';

/** The probe's subject: one request of a limit whose state drains within a millisecond, so it leaves nothing behind. */
const PROBE_KEY = `${KEY_PREFIX}probe`;
const PROBE_LIMIT: RateLimit = { requests: 1_000_000, perSeconds: 1 };

export function withGcraCommands(redis: Redis): WithGcra {
  redis.defineCommand('parsesphereGcra', { numberOfKeys: 1, lua: GCRA_SCRIPT });
  redis.defineCommand('parsesphereGcraReserve', { numberOfKeys: 1, lua: GCRA_RESERVE_SCRIPT });
  redis.defineCommand('parsesphereGcraRelease', { numberOfKeys: 1, lua: GCRA_RELEASE_SCRIPT });
  redis.defineCommand('parsesphereGcraSeed', { numberOfKeys: 1, lua: GCRA_SEED_SCRIPT });
  return redis as WithGcra;
}

/** What requests run, on the probe's key: whether this Redis serves the limits now. */
export function runGcraProbe(redis: WithGcra): Promise<GcraReply> {
  return redis.parsesphereGcra(PROBE_KEY, String(PROBE_LIMIT.requests), String(emissionIntervalMs(PROBE_LIMIT)));
}

/** The state GCRA_SCRIPT keeps, "<level> <at ms> <interval ms>"; '' for none. */
export function parseState(stored: string): RateState | undefined {
  if (stored === '') return undefined;
  const [level, at, intervalMs] = stored.split(' ');
  return { level: Number(level), at: Number(at), intervalMs: Number(intervalMs) };
}
