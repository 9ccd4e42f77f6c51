import type { ApiKeyResponse } from '../keys/presentation/api-key.response.js';
import { rolledKeyNote } from './rolled-key-note.js';

const ID = '550e8400-e29b-41d4-a716-446655440000';
const END = '2026-12-07T10:00:00.000Z';

function rolled(status: ApiKeyResponse['status'], closeWhenIdleSeconds: number | null = null, expiresAt = END): ApiKeyResponse {
  return {
    id: ID,
    name: null,
    prefix: 'sk_abcdefghi',
    status,
    disabled: status === 'disabled',
    permissions: ['*'],
    allowed_ips: [],
    expires_at: expiresAt,
    predecessor_id: null,
    rotation: { successor_id: '00000000-0000-4000-8000-000000000001', rolled_at: '2026-12-06T10:00:00.000Z', grace_ends_at: END, close_when_idle_seconds: closeWhenIdleSeconds },
    rate_limit: { requests: 1000, per_seconds: 60 },
    request_count: 0,
    created_at: '2026-12-01T10:00:00.000Z',
    last_used_at: null,
    revoked_at: null,
  };
}

describe('rolledKeyNote: what roll --table says of the old key', () => {
  const shown = 'The new key is shown only this once: store it now.';

  it('says until when a key in its grace works, and that it may retire sooner once idle', () => {
    expect(rolledKeyNote(rolled('active'))).toBe(`${shown} Key ${ID} works until ${END}.`);
    expect(rolledKeyNote(rolled('active', 600))).toBe(`${shown} Key ${ID} works until ${END}, or until it has gone unused for 600 s.`);
  });

  it('gives the end the key has, its own expiry when sooner than the grace end', () => {
    expect(rolledKeyNote(rolled('active', null, '2026-12-06T12:00:00.000Z'))).toBe(`${shown} Key ${ID} works until 2026-12-06T12:00:00.000Z.`);
  });

  // Until 2026-12-06 both said "Key … works until <grace end>": a leaked key disabled and rolled with a day's grace read as live for a day.
  it('never says a disabled key works: the leaked-key path (disable, then roll) leaves it refused', () => {
    expect(rolledKeyNote(rolled('disabled'))).toBe(`${shown} Key ${ID} is disabled: it is refused (enabled again, it would work until ${END} at the latest).`);
  });

  it('says a key rolled with --grace 0 no longer works', () => {
    expect(rolledKeyNote(rolled('expired'))).toBe(`${shown} Key ${ID} is expired: it no longer works.`);
  });
});
