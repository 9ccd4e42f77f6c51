import type { makeView } from '../../../test/support/api-key-view.js';
import { verifierWith as verifierAt } from '../../../test/support/key-verifier.js';

const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const context = { requestId: 'req_1', ip: '203.0.113.9', userAgent: 'sdk/1', method: 'POST', path: '/v1/parses' };

const verifierWith = (overrides: Parameters<typeof makeView>[0]) => verifierAt(overrides, () => NOW);

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

describe('ApiKeyVerifier: a caller that left during the check', () => {
  it('records no use for an answer nobody is left to read, and a use for one that is', async () => {
    let waiting = false;
    const { secret, verifier, uses } = await verifierWith({ permissions: ['parses:read'] });
    const answerable = () => waiting;
    expect(await verifier.verify(secret, { ...context, answerable })).toMatchObject({ valid: true });
    expect(await verifier.verify(secret, { ...context, answerable }, ['parses:write'])).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS' });
    expect(uses).toEqual([]);
    waiting = true;
    expect(await verifier.verify(secret, { ...context, answerable })).toMatchObject({ valid: true });
    expect(uses.map((use) => use.outcome)).toEqual(['accepted']);
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
