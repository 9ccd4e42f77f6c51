import { InProcessRateLimitStore } from '../../src/infrastructure/in-memory/in-process-rate-limit-store.js';
import { generateApiKey, hashApiKey } from '../../src/keys/domain/api-key-secret.js';
import { ApiKeyVerifier } from '../../src/keys/authentication/api-key-verifier.js';
import { AuthenticationMetrics } from '../../src/keys/authentication/authentication-metrics.js';
import type { IdleRetirement } from '../../src/keys/authentication/idle-retirement.js';
import { KeyTable } from '../../src/keys/authentication/key-table.js';
import type { KeyTableCaughtUpOnMiss } from '../../src/keys/authentication/key-table-caught-up-on-miss.js';
import type { AuthenticationFailedData } from '../../src/usage/domain/authentication-failed.js';
import type { KeyUsedData } from '../../src/usage/domain/key-used.js';
import type { UsageRecorder } from '../../src/usage/recording/usage-recorder.js';
import { makeView } from './api-key-view.js';

/**
 * A verifier over a key table holding one key (the view `overrides` describe) and its secret, with the uses,
 * failures and idle keep-alives it records kept for the test, and its rate-limit store and metrics for whatever
 * else the test builds on them (the failed-auth guard).
 */
export async function verifierWith(overrides: Parameters<typeof makeView>[0], now: () => number = Date.now) {
  const secret = generateApiKey();
  const view = makeView({ secretHash: hashApiKey(secret), ...overrides });
  const keys = new KeyTable({ getCheckpoint: async () => 1, allViews: async function* () { yield [view]; } });
  await keys.checkpoint();
  const uses: KeyUsedData[] = [];
  const failures: AuthenticationFailedData[] = [];
  const recorder = { record: (use: KeyUsedData) => uses.push(use), recordFailure: (failure: AuthenticationFailedData) => failures.push(failure) };
  const keptAlive: number[] = [];
  const idle = { hasGoneIdle: () => false, used: (_key: unknown, at: number) => keptAlive.push(at) };
  const limits = new InProcessRateLimitStore(now);
  const metrics = new AuthenticationMetrics();
  const verifier = new ApiKeyVerifier(
    keys,
    recorder as unknown as UsageRecorder,
    limits,
    metrics,
    { now },
    idle as unknown as IdleRetirement,
    { lookupAfterCatchingUp: async () => null } as unknown as KeyTableCaughtUpOnMiss,
  );
  return { secret, view, keyId: view.id, verifier, uses, failures, keptAlive, limits, metrics };
}
