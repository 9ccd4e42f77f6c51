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

  it('says from when its hourly requests count: the hour 23 hours before the current one, not 24 hours ago', () => {
    const hours = Array.from({ length: 24 }, (_, i) => ({ hour: new Date(Date.parse('2026-12-05T17:00:00.000Z') + i * 3_600_000).toISOString(), count: i === 0 || i === 23 ? 2 : 0 }));
    const key = {
      id: 'k1', name: null, prefix: 'sk_abcdefghi', status: 'active', rate_limit: { requests: 10, per_seconds: 60 }, request_count: 4,
      created_at: '2026-12-05T16:30:00.000Z', last_used_at: null, revoked_at: null, permissions: ['*'], allowed_ips: [], expires_at: null,
      predecessor_id: null, rotation: null,
      usage: { accepted: 4, rate_limited: 0, refused: 0, first_used_at: null, last_used_at: null, last_ip: null, last_user_agent: null, requests_per_hour: hours },
    } as unknown as ApiKeyDetailResponse;
    const record = keyDetailRecord(key);
    expect(record).toContainEqual(['recent requests', '4 since 2026-12-05T17:00:00.000Z']);
    expect(record.map(([label]) => label)).not.toContain('last 24 hours');
  });

  describe('a rolled key\'s addresses since the roll', () => {
    const rolled = (addresses: string[], count: number) =>
      ({
        id: 'k1', name: null, prefix: 'sk_abcdefghi', status: 'active', rate_limit: { requests: 10, per_seconds: 60 }, request_count: 30,
        created_at: '2026-12-05T16:30:00.000Z', last_used_at: null, revoked_at: null, permissions: ['*'], allowed_ips: [], expires_at: null,
        predecessor_id: null,
        rotation: { successor_id: 'k2', rolled_at: '2026-12-05T17:00:00.000Z', grace_ends_at: '2026-12-06T17:00:00.000Z', close_when_idle_seconds: null,
          uses_since_roll: 30, last_used_at: null, addresses_since_roll: addresses, addresses_since_roll_count: count },
        usage: { accepted: 30, rate_limited: 0, refused: 0, first_used_at: null, last_used_at: null, last_ip: null, last_user_agent: null, requests_per_hour: [] },
      }) as unknown as ApiKeyDetailResponse;
    const shown = (key: ApiKeyDetailResponse) => keyDetailRecord(key).find(([label]) => label === 'addresses since roll')?.[1];

    it('says how many more there are when the API listed only its 20 most recent: until 2026-12-07 25 read as 20', () => {
      const twenty = Array.from({ length: 20 }, (_, i) => `192.0.2.${i + 1}`);
      expect(shown(rolled(twenty, 25))).toBe(`${twenty.join(', ')} and 5 more (25 in all; the uses in its history name them)`);
    });

    it('lists them alone when they are all, and says none by a dash', () => {
      const twenty = Array.from({ length: 20 }, (_, i) => `192.0.2.${i + 1}`);
      expect(shown(rolled(twenty, 20))).toBe(twenty.join(', '));
      expect(shown(rolled(['192.0.2.1'], 1))).toBe('192.0.2.1');
      expect(shown(rolled([], 0))).toBe('-');
    });
  });
});
