import { jest } from '@jest/globals';
import request from 'supertest';
import { CLOCK, type Clock } from '../../src/shared/runtime/clock.js';
import { bearer } from './auth.js';
import type { TestApp } from './test-app.js';

/** The answer every refused key gets from the API: unknown, revoked, expired and disabled alike. */
export const INVALID_KEY_BODY = { error: { type: 'authentication_error', message: 'Invalid API key provided.' } };

/** Creates a key through the API with `admin`, with the given body. */
export async function createKey(t: TestApp, admin: string, body: Record<string, unknown> = {}): Promise<{ id: string; key: string } & Record<string, any>> {
  return (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send(body).expect(201)).body;
}

/** The app's clock, set to `at` (ms) and moved by hand: restore it with the returned function. */
export function freezeClock(t: TestApp, at: number): { set(ms: number): void; restore(): void } {
  let now = at;
  const spy = jest.spyOn(t.app.get<Clock>(CLOCK, { strict: false }), 'now').mockImplementation(() => now);
  return { set: (ms) => void (now = ms), restore: () => spy.mockRestore() };
}

/** Expects the answer a revoked key gets: 401, the one body, the Bearer challenge. */
export async function expectRefusedLikeRevoked(t: TestApp, key: string): Promise<void> {
  const res = await request(t.http).get('/v1/api-keys').set(bearer(key)).expect(401);
  expect(res.body).toEqual(INVALID_KEY_BODY);
  expect(res.headers['www-authenticate']).toBe('Bearer realm="parsesphere"');
}
