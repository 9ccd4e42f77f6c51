import { InMemoryApiKeyReadModel } from '../../infrastructure/in-memory/in-memory-api-key-read-model.js';
import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { decideOnKey } from '../commands/decide-on-key.js';
import type { ApiKeyCommand } from '../domain/api-key-decider.js';
import { API_KEY_EVENT_TYPES } from '../domain/api-key-events.js';
import type { ApiKeyQueries, ApiKeyListQuery } from '../projection/api-key-read-model.port.js';
import { type ApiKeyView, foldApiKeyView, KEY_STATUSES } from '../projection/api-key-view.js';
import { KeyTable } from './key-table.js';
import { seededRandom } from '../../../test/support/seeded-random.js';

const ACCOUNTS = ['acct_a', 'acct_b', 'acct_c'];
const START = Date.UTC(2026, 0, 1);
const at = (seconds: number) => new Date(START + seconds * 1000).toISOString();


/** Keys created in three accounts and put through every kind of change by the real decider, into a real log. */
async function randomLog(seed: number): Promise<{ events: RecordedEvent[]; keys: Map<string, string> }> {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const store = new InMemoryEventStore();
  const keys = new Map<string, string>();
  for (let step = 0; step < 400; step++) {
    const now = at(step * 10);
    // Ids in no particular order against creation: the table loads from views in id order.
    const fresh = () => `${Math.floor(next() * 0xffffffff).toString(16).padStart(8, '0')}-0000-4000-8000-${String(keys.size).padStart(12, '0')}`;
    const keyId = keys.size < 8 || next() < 0.3 ? fresh() : pick([...keys.keys()]);
    const accountId = keys.get(keyId) ?? pick(ACCOUNTS);
    const common = { keyId, accountId, actor: null, now };
    const commands: ApiKeyCommand[] = keys.has(keyId)
      ? [
          { type: 'RevokeApiKey', ...common },
          { type: 'DisableApiKey', ...common },
          { type: 'EnableApiKey', ...common },
          { type: 'UpdateApiKey', ...common, changes: { name: `renamed ${step}`, expiresAt: next() < 0.5 ? null : at(step * 10 + pick([5, 50, 5000])) }, maxLifetimeSeconds: null },
          { type: 'RollApiKey', ...common, successorKeyId: `10000000-0000-4000-8000-${String(step).padStart(12, '0')}`, graceSeconds: pick([0, 30, 3600]), closeWhenIdleSeconds: null },
          { type: 'ExpireApiKey', keyId, now, uses: null },
        ]
      : [
          {
            type: 'CreateApiKey',
            ...common,
            name: next() < 0.2 ? null : `key ${keys.size}`,
            prefix: `sk_${String(keys.size).padStart(8, '0')}`,
            secretHash: keyId.replaceAll('-', '').padEnd(64, '0'),
            rateLimit: { requests: 100, perSeconds: 60 },
            defaultRateLimit: { requests: 1000, perSeconds: 60 },
            permissions: null,
            allowedIps: next() < 0.3 ? ['203.0.113.0/24'] : null,
            expiresAt: next() < 0.3 ? at(step * 10 + pick([20, 2000])) : null,
            maxLifetimeSeconds: null,
          },
        ];
    const command = pick(commands);
    try {
      await decideOnKey(store, keyId, () => command, { requestId: null });
      if (command.type === 'CreateApiKey') keys.set(keyId, accountId);
    } catch {
      // A change the decider refuses (a revoked key, an expiry not due): nothing is appended, as in the service.
    }
  }
  const events = (await store.readAll({ after: null, maxCount: 100_000 })).filter((event) => (API_KEY_EVENT_TYPES as readonly string[]).includes(event.type));
  return { events, keys };
}

/** The key views as the view projection folds each key's stream, up to `position`. */
function viewsAsOf(events: readonly RecordedEvent[], position: number): ApiKeyView[] {
  const streams = new Map<string, RecordedEvent[]>();
  for (const event of events.filter((e) => e.position <= position)) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
  return [...streams.values()].map((stream) => foldApiKeyView(stream)!);
}

/** Every page of every account at `now`, for each status filter and none, through the cursor. */
async function everyPage(queries: ApiKeyQueries, now: string): Promise<unknown[]> {
  const pages: unknown[] = [];
  for (const accountId of ACCOUNTS) {
    for (const status of [undefined, ...KEY_STATUSES]) {
      let query: ApiKeyListQuery = { limit: 3, ...(status ? { status, now } : {}) };
      for (let pageNumber = 1; ; pageNumber++) {
        // A cursor that does not move on would page for ever.
        if (pageNumber > 200) throw new Error(`more than 200 pages of ${accountId} (${status ?? 'any status'})`);
        const page = await queries.list(accountId, query);
        pages.push({ accountId, status, ...page });
        if (!page.hasMore) break;
        query = { ...query, beforePosition: page.views[page.views.length - 1].createdPosition };
      }
    }
  }
  return pages;
}

async function splitIntoBatches(table: KeyTable, events: readonly RecordedEvent[], next: () => number): Promise<void> {
  for (let i = 0; i < events.length; ) {
    const size = 1 + Math.floor(next() * 20);
    await table.handle(events.slice(i, i + size));
    i += size;
  }
}

describe('KeyTable as the key queries: what the stored key views would answer, for any history', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`answers every lookup and every page as the views do (seed ${seed})`, async () => {
      const { events, keys } = await randomLog(seed);
      const head = events[events.length - 1].position;
      const views = new InMemoryApiKeyReadModel();
      await views.save(viewsAsOf(events, head), head);

      // Fed the whole log in batches of any size.
      const fed = new KeyTable({ getCheckpoint: async () => null, allViews: async function* () {} });
      await fed.checkpoint();
      await splitIntoBatches(fed, events, seededRandom(seed + 100));

      // Loaded from views fresher than their checkpoint, then following the log from that checkpoint: the
      // events the views already hold come again and change nothing.
      const checkpoint = events[Math.floor(events.length / 3)].position;
      const snapshot = new InMemoryApiKeyReadModel();
      await snapshot.save(viewsAsOf(events, events[Math.floor((2 * events.length) / 3)].position), checkpoint);
      const loaded = new KeyTable(snapshot);
      expect(await loaded.checkpoint()).toBe(checkpoint);
      await splitIntoBatches(loaded, events.filter((event) => event.position > checkpoint), seededRandom(seed + 200));

      for (const now of [at(0), at(2000), at(4100), at(9000)]) {
        const expected = await everyPage(views, now);
        expect(await everyPage(fed, now)).toEqual(expected);
        expect(await everyPage(loaded, now)).toEqual(expected);
      }
      for (const [keyId, accountId] of keys) {
        const view = await views.findById(accountId, keyId);
        expect(await fed.findById(accountId, keyId)).toEqual(view);
        expect(await loaded.findById(accountId, keyId)).toEqual(view);
        expect(await fed.findById(ACCOUNTS.find((other) => other !== accountId)!, keyId)).toBeNull();
      }
      // The histories reach every status, so no filter is compared on empty pages only.
      expect(new Set([...keys.keys()].map((id) => fed.byId(id)!.view.status))).toEqual(new Set(['active', 'disabled', 'expired', 'revoked']));
    });
  }

  it('keeps creation order when a key created earlier in the log reaches it after a later one', async () => {
    const { events } = await randomLog(9);
    const creations = events.filter((event) => event.type === 'KeyCreated');
    const table = new KeyTable({ getCheckpoint: async () => null, allViews: async function* () {} });
    await table.handle([...creations].reverse());
    const accountId = (creations[0].data as { accountId: string }).accountId;
    const listed = (await table.list(accountId, { limit: 1000 })).views.map((view) => view.createdPosition);
    expect(listed.length).toBeGreaterThan(1);
    expect(listed).toEqual([...listed].sort((a, b) => b - a));
  });
});
