import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { makeView } from '../../../test/support/api-key-view.js';
import { verifierWith } from '../../../test/support/key-verifier.js';
import { generateApiKey } from '../domain/api-key-secret.js';
import { Environment } from '../../shared/config/environment.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';

const use = { requestId: 'req_1', ip: '203.0.113.9', userAgent: 'sdk/1', method: 'GET', path: '/v1/whoami' };

async function authenticatorWith(overrides: Parameters<typeof makeView>[0]) {
  const { secret, view, verifier, limits, metrics } = await verifierWith(overrides);
  const config = Object.assign(new Environment(), { AUTH_FAILURE_LIMIT: 100, AUTH_FAILURE_WINDOW_SECONDS: 60 });
  const authenticator = new ApiKeyAuthenticator(verifier, new AuthFailureLimiter(config, limits, metrics));
  const attempt = async (secretUsed = secret) => {
    const told: { keyId: string; accountId: string }[] = [];
    const res = new ServerResponse(new IncomingMessage(new Socket()));
    const outcome = await authenticator.authenticate(`Bearer ${secretUsed}`, use, res, (caller) => told.push(caller)).then(
      () => 'served',
      (error: Error) => error.constructor.name,
    );
    return { outcome, told };
  };
  return { view, attempt };
}

describe('ApiKeyAuthenticator: the key of a refused request, for the access line', () => {
  it('names the key of a request over its rate limit, from an address it may not be used from, or without a permission', async () => {
    const limited = await authenticatorWith({ rateLimit: { requests: 1, perSeconds: 60 } });
    const caller = { keyId: limited.view.id, accountId: limited.view.accountId };
    expect(await limited.attempt()).toEqual({ outcome: 'served', told: [] });
    expect(await limited.attempt()).toEqual({ outcome: 'RateLimited', told: [caller] });

    const elsewhere = await authenticatorWith({ allowedIps: ['198.51.100.0/24'] });
    expect(await elsewhere.attempt()).toEqual({ outcome: 'PermissionDenied', told: [{ keyId: elsewhere.view.id, accountId: elsewhere.view.accountId }] });

    const readOnly = await authenticatorWith({ permissions: ['parses:read'] });
    expect(await readOnly.attempt()).toEqual({ outcome: 'PermissionDenied', told: [{ keyId: readOnly.view.id, accountId: readOnly.view.accountId }] });
  });

  it('names none for a key that is not valid (unknown, disabled)', async () => {
    const disabled = await authenticatorWith({ disabled: true });
    expect(await disabled.attempt()).toEqual({ outcome: 'Unauthenticated', told: [] });
    expect(await disabled.attempt(generateApiKey())).toEqual({ outcome: 'Unauthenticated', told: [] });
  });
});
