import { makeView } from '../../../test/support/api-key-view.js';
import { InProcessRateLimitStore } from '../../infrastructure/in-memory/in-process-rate-limit-store.js';
import type { AuthenticationFailedData } from '../../usage/domain/authentication-failed.js';
import type { KeyUsedData } from '../../usage/domain/key-used.js';
import type { UsageRecorder } from '../../usage/recording/usage-recorder.js';
import { generateApiKey, hashApiKey } from '../domain/api-key-secret.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { AuthenticationMetrics } from './authentication-metrics.js';
import type { IdleRetirement } from './idle-retirement.js';
import { KeyTable } from './key-table.js';
import type { KeyTableCaughtUpOnMiss } from './key-table-caught-up-on-miss.js';

const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const context = { requestId: 'req_1', ip: '203.0.113.9', userAgent: 'sdk/1', method: 'POST', path: '/v1/parses' };

async function verifierWith(overrides: Parameters<typeof makeView>[0]) {
  const secret = generateApiKey();
  const view = makeView({ secretHash: hashApiKey(secret), ...overrides });
  const keys = new KeyTable({ getCheckpoint: async () => 1, scan: async (afterId) => (afterId ? [] : [view]) });
  await keys.checkpoint();
  const uses: KeyUsedData[] = [];
  const failures: AuthenticationFailedData[] = [];
  const recorder = { record: (use: KeyUsedData) => uses.push(use), recordFailure: (failure: AuthenticationFailedData) => failures.push(failure) };
  const keptAlive: number[] = [];
  const idle = { hasGoneIdle: () => false, used: (_key: unknown, now: number) => keptAlive.push(now) };
  const verifier = new ApiKeyVerifier(
    keys,
    recorder as unknown as UsageRecorder,
    new InProcessRateLimitStore(() => NOW),
    new AuthenticationMetrics(),
    { now: () => NOW },
    idle as unknown as IdleRetirement,
    { lookupAfterCatchingUp: async () => null } as unknown as KeyTableCaughtUpOnMiss,
  );
  return { secret, keyId: view.id, verifier, uses, failures, keptAlive };
}

describe('ApiKeyVerifier: the uses it records', () => {
  it('records a key refused for a permission it lacks as a refused use, and its failure', async () => {
    const { secret, keyId, verifier, uses, failures } = await verifierWith({ permissions: ['parses:read'] });
    expect(await verifier.verify(secret, context, ['parses:write'])).toMatchObject({ valid: false, code: 'INSUFFICIENT_PERMISSIONS' });
    expect(uses).toEqual([expect.objectContaining({ keyId, outcome: 'refused', method: 'POST', path: '/v1/parses', usedAt: '2026-06-01T00:00:00.000Z' })]);
    expect(failures).toEqual([expect.objectContaining({ keyId, reason: 'insufficient_permissions' })]);
  });

  it('records a key refused for the address it was used from as a refused use, and its failure', async () => {
    const { secret, keyId, verifier, uses, failures } = await verifierWith({ allowedIps: ['198.51.100.0/24'] });
    expect(await verifier.verify(secret, context)).toMatchObject({ valid: false, code: 'FORBIDDEN' });
    expect(uses).toEqual([expect.objectContaining({ keyId, outcome: 'refused', ip: '203.0.113.9' })]);
    expect(failures).toEqual([expect.objectContaining({ keyId, reason: 'forbidden_address' })]);
  });

  it('counts a refused use of a rolled key as a use for its idle retirement, as its last_used_at does', async () => {
    const rotation = { successorKeyId: 'next', rolledAt: '2026-05-31T00:00:00.000Z', graceEndsAt: '2026-06-07T00:00:00.000Z', closeWhenIdleSeconds: 600 };
    const { secret, verifier, keptAlive } = await verifierWith({ rotation, permissions: ['parses:read'] });
    await verifier.verify(secret, context, ['parses:write']);
    expect(keptAlive).toEqual([NOW]);
  });

  it('records accepted and rate-limited uses with no failure, and no use of a disabled key', async () => {
    const limited = await verifierWith({ rateLimit: { requests: 1, perSeconds: 60 } });
    await limited.verifier.verify(limited.secret, context);
    await limited.verifier.verify(limited.secret, context);
    expect(limited.uses.map((use) => use.outcome)).toEqual(['accepted', 'rate_limited']);
    expect(limited.failures).toEqual([]);
    const disabled = await verifierWith({ disabled: true });
    expect(await disabled.verifier.verify(disabled.secret, context)).toMatchObject({ code: 'DISABLED' });
    expect(disabled.uses).toEqual([]);
    expect(disabled.failures).toEqual([expect.objectContaining({ reason: 'disabled' })]);
  });
});

describe('ApiKeyVerifier: a key changed by a newer version of the service', () => {
  it('refuses it as unknown here, records no failure against the caller and no use', async () => {
    const { secret, verifier, uses, failures } = await verifierWith({ unreadableSince: 1, revision: 1 });
    expect(await verifier.verify(secret, context)).toMatchObject({ valid: false, code: 'CHANGED_BY_NEWER_VERSION' });
    expect(uses).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('answers revoked or expired when the events it can read end the key', async () => {
    const revoked = await verifierWith({ unreadableSince: 1, revision: 2, status: 'revoked' });
    expect(await revoked.verifier.verify(revoked.secret, context)).toMatchObject({ code: 'REVOKED' });
    const expired = await verifierWith({ unreadableSince: 1, revision: 2, status: 'expired' });
    expect(await expired.verifier.verify(expired.secret, context)).toMatchObject({ code: 'EXPIRED' });
  });
});
