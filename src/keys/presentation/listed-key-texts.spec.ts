import { makeView } from '../../../test/support/api-key-view.js';
import type { KeyUsageSummaryEntry } from '../../usage/projection/key-usage-view.js';
import { KEPT_TEXTS, ListedKeyTexts } from './listed-key-texts.js';
import { presentApiKey } from './present-api-key.js';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const LATER = new Date('2026-06-03T00:00:00.000Z');

describe('ListedKeyTexts', () => {
  it('gives the bytes JSON.stringify gives the presented key, for every kind of key', () => {
    const texts = new ListedKeyTexts();
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
        expect(texts.textOf(view, used, NOW)).toBe(JSON.stringify(presentApiKey(view, used, NOW)));
        expect(texts.textOf(view, used, NOW)).toBe(JSON.stringify(presentApiKey(view, used, NOW)));
      }
    }
  });

  it('gives a new text when the usage summary changes in place, as the summary table changes it', () => {
    const texts = new ListedKeyTexts();
    const view = makeView();
    const entry: KeyUsageSummaryEntry = { keyId: view.id, accepted: 1, rateLimited: 0, refused: 0, lastUsedAt: '2026-05-31T00:00:00.000Z', revision: 1 };
    expect(JSON.parse(texts.textOf(view, entry, NOW))).toMatchObject({ request_count: 1, last_used_at: '2026-05-31T00:00:00.000Z' });
    entry.accepted = 2;
    expect(JSON.parse(texts.textOf(view, entry, NOW))).toMatchObject({ request_count: 2 });
    entry.refused = 1;
    entry.lastUsedAt = '2026-05-31T00:00:01.000Z';
    expect(JSON.parse(texts.textOf(view, entry, NOW))).toMatchObject({ request_count: 3, last_used_at: '2026-05-31T00:00:01.000Z' });
    // The same count at a later use (one refused became one rate-limited: counts move together only in the sum).
    entry.lastUsedAt = '2026-05-31T00:00:02.000Z';
    expect(texts.textOf(view, entry, NOW)).toBe(JSON.stringify(presentApiKey(view, entry, NOW)));
  });

  it('gives a new text when the key reaches its end by time, and for a changed key (a new view)', () => {
    const texts = new ListedKeyTexts();
    const view = makeView({ expiresAt: '2026-06-02T00:00:00.000Z', endsAt: '2026-06-02T00:00:00.000Z' });
    expect(JSON.parse(texts.textOf(view, undefined, NOW)).status).toBe('active');
    expect(JSON.parse(texts.textOf(view, undefined, LATER)).status).toBe('expired');
    const renamed = { ...view, name: 'renamed', revision: 1 };
    expect(JSON.parse(texts.textOf(renamed, undefined, NOW)).name).toBe('renamed');
    expect(JSON.parse(texts.textOf(view, undefined, NOW)).name).toBe('A key');
  });

  it('stays right past the number of texts it keeps', () => {
    const texts = new ListedKeyTexts();
    const views = Array.from({ length: KEPT_TEXTS + 5 }, () => makeView());
    for (const view of views) texts.textOf(view, undefined, NOW);
    for (const view of [views[0], views[KEPT_TEXTS], views[KEPT_TEXTS + 4]]) {
      expect(texts.textOf(view, undefined, NOW)).toBe(JSON.stringify(presentApiKey(view, undefined, NOW)));
    }
  });
});
