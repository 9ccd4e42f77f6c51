import type { ApiKeyDetailResponse } from '../keys/presentation/api-key.response.js';
import { keyDetailRecord } from './key-fields.js';

describe('keyDetailRecord (a key as `show` prints it)', () => {
  it('shows its uses by outcome, refused ones included', () => {
    const key = {
      id: 'k1',
      name: 'reader',
      prefix: 'sk_abcdefghi',
      status: 'active',
      rate_limit: { requests: 10, per_seconds: 60 },
      request_count: 9,
      created_at: '2026-01-01T00:00:00.000Z',
      last_used_at: null,
      revoked_at: null,
      permissions: ['keys:read'],
      allowed_ips: [],
      expires_at: null,
      predecessor_id: null,
      rotation: null,
      usage: { accepted: 5, rate_limited: 1, refused: 3, first_used_at: null, last_used_at: null, last_ip: null, last_user_agent: null, requests_per_hour: [] },
    } as unknown as ApiKeyDetailResponse;
    expect(keyDetailRecord(key)).toEqual(expect.arrayContaining([['accepted', '5'], ['rate-limited', '1'], ['refused', '3']]));
  });
});
