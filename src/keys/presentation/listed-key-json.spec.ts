import { makeView } from '../../../test/support/api-key-view.js';
import type { KeyUsageSummaryEntry } from '../../usage/projection/key-usage-view.js';
import { KEPT_KEYS, ListedKeyJson, listedPageJson } from './listed-key-json.js';
import { presentApiKey } from './present-api-key.js';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const LATER = new Date('2026-06-03T00:00:00.000Z');
/** The key's JSON as ListedKeyJson gives it, read back as text. */
const textOf = (listed: ListedKeyJson, ...args: Parameters<ListedKeyJson['bytesOf']>) => listed.bytesOf(...args).toString('utf8');

describe('ListedKeyJson', () => {
  it('gives the UTF-8 bytes of JSON.stringify of the presented key, for every kind of key', () => {
    const listed = new ListedKeyJson();
    const views = [
      makeView(),
      makeView({ name: null, permissions: ['keys:read', 'parses:write'], allowedIps: ['10.0.0.0/8', '2001:db8::/32'] }),
      makeView({ name: 'é "quoted" \u2028 ключ', status: 'revoked', revokedAt: '2026-05-01T00:00:00.000Z' }),
      makeView({ status: 'disabled', disabled: true, expiresAt: '2026-07-01T00:00:00.000Z', endsAt: '2026-07-01T00:00:00.000Z' }),
      makeView({
        rolledFromKeyId: 'b2f1c0de-0000-4000-8000-000000000001',
        rotation: { successorKeyId: 'b2f1c0de-0000-4000-8000-000000000002', rolledAt: '2026-05-30T00:00:00.000Z', graceEndsAt: '2026-06-02T00:00:00.000Z', closeWhenIdleSeconds: 600 },
        endsAt: '2026-06-02T00:00:00.000Z',
      }),
    ];
    const usage = { accepted: 3, rateLimited: 2, refused: 1, lastUsedAt: '2026-05-31T23:59:59.000Z' };
    for (const view of views) {
      for (const used of [undefined, usage]) {
        const expected = Buffer.from(JSON.stringify(presentApiKey(view, used, NOW)));
        expect(listed.bytesOf(view, used, NOW).equals(expected)).toBe(true);
        expect(listed.bytesOf(view, used, NOW).equals(expected)).toBe(true);
      }
    }
  });

  it('gives new JSON when the usage summary changes in place, as the summary table changes it', () => {
    const listed = new ListedKeyJson();
    const view = makeView();
    const entry: KeyUsageSummaryEntry = { keyId: view.id, accepted: 1, rateLimited: 0, refused: 0, lastUsedAt: '2026-05-31T00:00:00.000Z', revision: 1 };
    expect(JSON.parse(textOf(listed, view, entry, NOW))).toMatchObject({ request_count: 1, last_used_at: '2026-05-31T00:00:00.000Z' });
    entry.accepted = 2;
    expect(JSON.parse(textOf(listed, view, entry, NOW))).toMatchObject({ request_count: 2 });
    entry.refused = 1;
    entry.lastUsedAt = '2026-05-31T00:00:01.000Z';
    expect(JSON.parse(textOf(listed, view, entry, NOW))).toMatchObject({ request_count: 3, last_used_at: '2026-05-31T00:00:01.000Z' });
    // The same count at a later use (one refused became one rate-limited: counts move together only in the sum).
    entry.lastUsedAt = '2026-05-31T00:00:02.000Z';
    expect(textOf(listed, view, entry, NOW)).toBe(JSON.stringify(presentApiKey(view, entry, NOW)));
  });

  it('gives new JSON when the key reaches its end by time, and for a changed key (a new view)', () => {
    const listed = new ListedKeyJson();
    const view = makeView({ expiresAt: '2026-06-02T00:00:00.000Z', endsAt: '2026-06-02T00:00:00.000Z' });
    expect(JSON.parse(textOf(listed, view, undefined, NOW)).status).toBe('active');
    expect(JSON.parse(textOf(listed, view, undefined, LATER)).status).toBe('expired');
    const renamed = { ...view, name: 'renamed', revision: 1 };
    expect(JSON.parse(textOf(listed, renamed, undefined, NOW)).name).toBe('renamed');
    expect(JSON.parse(textOf(listed, view, undefined, NOW)).name).toBe('A key');
  });

  it('stays right past the number of keys it keeps', () => {
    const listed = new ListedKeyJson();
    const views = Array.from({ length: KEPT_KEYS + 5 }, () => makeView());
    for (const view of views) textOf(listed, view, undefined, NOW);
    for (const view of [views[0], views[KEPT_KEYS], views[KEPT_KEYS + 4]]) {
      expect(textOf(listed, view, undefined, NOW)).toBe(JSON.stringify(presentApiKey(view, undefined, NOW)));
    }
  });

  it('makes a page of the bytes JSON.stringify gives it, with and without more to come', () => {
    const listed = new ListedKeyJson();
    const views = [makeView({ name: 'é' }), makeView({ name: null }), makeView()];
    for (const keys of [[], views.slice(0, 1), views]) {
      for (const hasMore of [true, false]) {
        const page = listedPageJson(keys.map((view) => listed.bytesOf(view, undefined, NOW)), hasMore);
        expect(page.equals(Buffer.from(JSON.stringify({ data: keys.map((view) => presentApiKey(view, undefined, NOW)), has_more: hasMore })))).toBe(true);
      }
    }
  });
});
