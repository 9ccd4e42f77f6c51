import request from 'supertest';
import { bearer } from './auth.js';
import type { TestApp } from './test-app.js';

export const UNKNOWN_KEY_ID = '550e8400-e29b-41d4-a716-446655440000';

/**
 * Tenancy: another account's key id must answer exactly like an id that does not exist — 404, the same
 * body once the ids are set aside, the same headers — so a caller cannot tell that the key exists.
 */
export async function expectForeignIdAnswersLikeUnknown(
  t: TestApp,
  method: 'get' | 'delete' | 'patch' | 'post',
  pathFor: (keyId: string) => string,
  callerKey: string,
  foreignKeyId: string,
  body?: object,
): Promise<void> {
  const call = (id: string) => {
    const req = request(t.http)[method](pathFor(id)).set(bearer(callerKey));
    return body === undefined ? req : req.send(body);
  };
  const foreign = await call(foreignKeyId).expect(404);
  const unknown = await call(UNKNOWN_KEY_ID).expect(404);
  expect(JSON.stringify(foreign.body).replaceAll(foreignKeyId, 'ID')).toBe(JSON.stringify(unknown.body).replaceAll(UNKNOWN_KEY_ID, 'ID'));
  expect(Object.keys(foreign.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
}
