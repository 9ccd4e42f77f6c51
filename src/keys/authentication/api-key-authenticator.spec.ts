import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { makeView } from '../../../test/support/api-key-view.js';
import { verifierWith } from '../../../test/support/key-verifier.js';
import { generateApiKey } from '../domain/api-key-secret.js';
import { Environment } from '../../shared/config/environment.js';
import { AccountRequestLimiter } from './account-request-limiter.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';

const use = { requestId: 'req_1', ip: '203.0.113.9', userAgent: 'sdk/1', method: 'GET', path: '/v1/whoami' };

async function authenticatorWith(overrides: Parameters<typeof makeView>[0], accountLimit: Partial<Environment> = {}) {
  const { secret, view, verifier, limits, metrics } = await verifierWith(overrides);
  const config = Object.assign(new Environment(), { AUTH_FAILURE_LIMIT: 100, AUTH_FAILURE_WINDOW_SECONDS: 60, ...accountLimit });
  const accounts = new AccountRequestLimiter(config, limits, metrics);
  const authenticator = new ApiKeyAuthenticator(verifier, new AuthFailureLimiter(config, limits, metrics), accounts);
  const attempt = async (secretUsed = secret) => {
    const told: { keyId: string; accountId: string }[] = [];
    const res = new ServerResponse(new IncomingMessage(new Socket()));
    const outcome = await authenticator.authenticate(`Bearer ${secretUsed}`, use, res, (caller) => told.push(caller)).then(
      () => 'served',
      (error: Error & { retryAfterSeconds?: number }) => `${error.constructor.name}: ${error.message}${error.retryAfterSeconds ? ` (${error.retryAfterSeconds} s)` : ''}`,
    );
    return { outcome, told, headers: res.getHeaders() };
  };
  return { view, attempt, accounts };
}

describe('ApiKeyAuthenticator: the key of a refused request, for the access line', () => {
  it('names the key of a request over its rate limit, from an address it may not be used from, or without a permission', async () => {
    const limited = await authenticatorWith({ rateLimit: { requests: 1, perSeconds: 60 } });
    const caller = { keyId: limited.view.id, accountId: limited.view.accountId };
    expect(await limited.attempt()).toMatchObject({ outcome: 'served', told: [] });
    expect(await limited.attempt()).toMatchObject({ outcome: expect.stringMatching(/^RateLimited: .* for this key\.$/), told: [caller] });

    const elsewhere = await authenticatorWith({ allowedIps: ['198.51.100.0/24'] });
    expect(await elsewhere.attempt()).toMatchObject({ outcome: expect.stringMatching(/^PermissionDenied/), told: [{ keyId: elsewhere.view.id, accountId: elsewhere.view.accountId }] });

    const readOnly = await authenticatorWith({ permissions: ['parses:read'] });
    expect(await readOnly.attempt()).toMatchObject({ outcome: expect.stringMatching(/^PermissionDenied/), told: [{ keyId: readOnly.view.id, accountId: readOnly.view.accountId }] });
  });

  it('names none for a key that is not valid (unknown, disabled)', async () => {
    const disabled = await authenticatorWith({ disabled: true });
    expect(await disabled.attempt()).toMatchObject({ outcome: expect.stringMatching(/^Unauthenticated/), told: [] });
    expect(await disabled.attempt(generateApiKey())).toMatchObject({ outcome: expect.stringMatching(/^Unauthenticated/), told: [] });
  });
});

describe('ApiKeyAuthenticator: the account limit (all its keys together)', () => {
  it('refuses the request past ACCOUNT_RATE_LIMIT_REQUESTS with Retry-After and the fields of the account limit, though the key has room', async () => {
    const account = await authenticatorWith({ rateLimit: { requests: 1000, perSeconds: 60 } }, { ACCOUNT_RATE_LIMIT_REQUESTS: 3, ACCOUNT_RATE_LIMIT_PER_SECONDS: 60 });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await account.attempt()).outcome);
    expect(outcomes).toEqual(['served', 'served', 'served']);
    const refused = await account.attempt();
    expect(refused).toMatchObject({
      outcome: 'RateLimited: Rate limit of 3 requests per 60 seconds exceeded for this account (all its keys together). (20 s)',
      told: [{ keyId: account.view.id, accountId: account.view.accountId }],
    });
    expect(refused.headers).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': '0', 'retry-after': '20' });
  });

  it('answers a served request with the fields of the limit nearer to refusing it: the account, then the key', async () => {
    const account = await authenticatorWith({ rateLimit: { requests: 1000, perSeconds: 60 } }, { ACCOUNT_RATE_LIMIT_REQUESTS: 3, ACCOUNT_RATE_LIMIT_PER_SECONDS: 60 });
    const remaining = [];
    for (let i = 0; i < 3; i++) remaining.push((await account.attempt()).headers);
    expect(remaining.map((headers) => [headers['ratelimit-limit'], headers['ratelimit-remaining']])).toEqual([['3', '2'], ['3', '1'], ['3', '0']]);
    const keyNearer = await authenticatorWith({ rateLimit: { requests: 2, perSeconds: 60 } }, { ACCOUNT_RATE_LIMIT_REQUESTS: 100, ACCOUNT_RATE_LIMIT_PER_SECONDS: 1 });
    expect((await keyNearer.attempt()).headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '1' });
  });

  it("counts each account on its own: one account's refusals leave another's requests served", async () => {
    const noisy = await authenticatorWith({ accountId: 'noisy' }, { ACCOUNT_RATE_LIMIT_REQUESTS: 2, ACCOUNT_RATE_LIMIT_PER_SECONDS: 60 });
    for (let i = 0; i < 5; i++) await noisy.attempt();
    expect((await noisy.attempt()).outcome).toMatch(/^RateLimited: .* for this account/);
    // The same store and limiter, another account: its budget is its own.
    expect((await noisy.accounts.consume('quiet')).allowed).toBe(true);
    expect((await noisy.accounts.consume('quiet')).allowed).toBe(true);
    expect((await noisy.accounts.consume('quiet')).allowed).toBe(false);
  });
});
