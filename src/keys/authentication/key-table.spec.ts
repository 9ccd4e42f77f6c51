import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { ApiKeyView } from '../projection/api-key-view.js';
import { makeView } from '../../../test/support/api-key-view.js';
import { recordedKeyCreated, recordedKeyEvent, recordedKeyRevoked } from '../../../test/support/recorded-key-events.js';
import { seededRandom } from '../../../test/support/seeded-random.js';
import { type KnownKey, KeyTable } from './key-table.js';

const rateLimit = { requests: 10, perSeconds: 60 };
let position = 0;
const recorded = (type: 'KeyCreated' | 'KeyRevoked', keyId: string): RecordedEvent => ({
  id: `e-${++position}`,
  streamId: `api-key-${keyId}`,
  type,
  schemaVersion: 1,
  data:
    type === 'KeyCreated'
      ? { keyId, accountId: 'acme', name: null, prefix: 'sk_x', secretHash: `hash-${keyId}`, rateLimit, createdAt: '2026-01-01T00:00:00.000Z', actingKeyId: null }
      : { keyId, accountId: 'acme', revokedAt: '2026-01-01T00:00:00.000Z', actingKeyId: null },
  metadata: {},
  revision: type === 'KeyCreated' ? 0 : 1,
  position,
  recordedAt: '2026-01-01T00:00:00.000Z',
});
const view = (id: string, status: 'active' | 'revoked'): ApiKeyView =>
  makeView({ id, accountId: 'acme', name: null, prefix: 'sk_x', status, rateLimit, createdPosition: 1 });

describe('KeyTable.activeKeys (the active keys gauge)', () => {
  it('counts loaded and created keys, not revoked ones, and not twice when the log re-applies what the views held', async () => {
    const table = new KeyTable({ getCheckpoint: async () => 2, allViews: async function* () { yield [view('a', 'active'), view('b', 'revoked')]; } });
    await table.checkpoint();
    expect(table.activeKeys).toBe(1);
    await table.handle([recorded('KeyCreated', 'a'), recorded('KeyCreated', 'c')]);
    expect(table.activeKeys).toBe(2);
    await table.handle([recorded('KeyRevoked', 'a'), recorded('KeyRevoked', 'a'), recorded('KeyRevoked', 'unknown')]);
    expect(table.activeKeys).toBe(1);
    await table.startOverWithin();
    expect(table.activeKeys).toBe(0);
    expect(table.byId('b')).toBeUndefined();
  });
});

describe('KeyTable.activeKeys and disabled keys (they do not authenticate)', () => {
  const change = (type: 'KeyDisabled' | 'KeyEnabled', keyId: string, revision: number): RecordedEvent => ({
    id: `d-${++position}`,
    streamId: `api-key-${keyId}`,
    type,
    schemaVersion: 1,
    data: { keyId, accountId: 'acme', actingKeyId: null, ...(type === 'KeyDisabled' ? { disabledAt: 'x' } : { enabledAt: 'x' }) },
    metadata: {},
    revision,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
  });

  it('leaves a disabled key out, loaded or disabled from the log, counts it again once enabled, and never twice', async () => {
    const disabled = { ...view('a', 'active'), status: 'disabled' as const, disabled: true, revision: 1 };
    const stored = [disabled, view('b', 'active'), view('c', 'revoked')];
    const table = new KeyTable({ getCheckpoint: async () => 2, allViews: async function* () { yield stored; } });
    await table.checkpoint();
    expect(table.activeKeys).toBe(1);
    await table.handle([change('KeyEnabled', 'a', 2)]);
    expect(table.activeKeys).toBe(2);
    // Re-applied (a resubscription) and disabled twice over: each key moves the count once.
    await table.handle([change('KeyEnabled', 'a', 2), change('KeyDisabled', 'b', 1), change('KeyDisabled', 'b', 1)]);
    expect(table.activeKeys).toBe(1);
    await table.handle([change('KeyDisabled', 'a', 3)]);
    expect(table.activeKeys).toBe(0);
    // Loaded again from views older than what it holds: nothing moves.
    await table.checkpoint();
    expect(table.activeKeys).toBe(0);
    await table.handle([change('KeyEnabled', 'b', 2)]);
    expect(table.activeKeys).toBe(1);
  });
});

describe('KeyTable loaded again (another generation of the key views made live)', () => {
  it('takes in the keys it lacked and keeps the newer revision of those it holds', async () => {
    const revoked = { ...view('a', 'revoked'), revision: 1 };
    let stored = [view('b', 'active')];
    const table = new KeyTable({ getCheckpoint: async () => 9, allViews: async function* () { yield stored; } });
    await table.checkpoint();
    await table.handle([recorded('KeyCreated', 'a'), recorded('KeyRevoked', 'a')]);
    // Loaded from views that had lost key b's creation; the rebuilt generation has it, and an older revision of a.
    stored = [view('a', 'active'), view('b', 'active'), view('c', 'active')];
    await table.checkpoint();
    expect(table.byId('a')?.view).toEqual(expect.objectContaining({ status: revoked.status, revision: 1 }));
    expect(table.lookup(view('c', 'active').secretHash)?.keyId).toBe('c');
    expect(table.activeKeys).toBe(2);
    expect((await table.list('acme', { limit: 10 })).views.map((key) => key.id).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('KeyTable (key policies)', () => {
  const event = (type: string, revision: number, data: Record<string, unknown>, schemaVersion = 1): RecordedEvent => ({
    id: `p-${++position}`,
    streamId: 'api_key-k',
    type,
    schemaVersion,
    data: { keyId: 'k', accountId: 'acme', ...data },
    metadata: {},
    revision,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
  });
  const created = event('KeyCreated', 0, {
    name: null, prefix: 'sk_x', secretHash: 'hash-k', rateLimit, createdAt: '2026-01-01T00:00:00.000Z', actingKeyId: null,
    permissions: ['keys:read'], allowedIps: ['203.0.113.0/24'], expiresAt: '2026-03-01T00:00:00.000Z', rolledFromKeyId: null,
  }, 2);

  it('keeps permissions, addresses, disabling and the end (expiry or grace end, the first) current from the log', async () => {
    const table = new KeyTable({ getCheckpoint: async () => null, allViews: async function* () {} });
    await table.handle([created]);
    const key = () => table.lookup('hash-k')!;
    expect(key()).toMatchObject({ permissions: ['keys:read'], allowedIps: ['203.0.113.0/24'], endsAt: '2026-03-01T00:00:00.000Z', disabled: false });
    expect(key().addresses!.allows('203.0.113.9')).toBe(true);
    expect(key().addresses!.allows('::ffff:203.0.113.9')).toBe(true);
    expect(key().addresses!.allows('198.51.100.1')).toBe(false);
    await table.handle([event('KeyDisabled', 1, { disabledAt: 'x', actingKeyId: null })]);
    expect(key().disabled).toBe(true);
    await table.handle([event('KeyEnabled', 2, { enabledAt: 'x', actingKeyId: null })]);
    expect(key().disabled).toBe(false);
    await table.handle([event('KeyUpdated', 3, { updatedAt: 'x', actingKeyId: null, changes: { allowedIps: [], permissions: ['*'], expiresAt: null } })]);
    expect(key()).toMatchObject({ addresses: null, permissions: ['*'], endsAt: null, endsAtMs: Infinity });
    await table.handle([event('KeyRolled', 4, { successorKeyId: 's', rolledAt: '2026-02-01T00:00:00.000Z', graceEndsAt: '2026-02-02T00:00:00.000Z', closeWhenIdleSeconds: null, actingKeyId: null })]);
    expect(key().endsAt).toBe('2026-02-02T00:00:00.000Z');
    expect([...table.ending()].map((k) => k.keyId)).toEqual(['k']);
    expect(table.activeKeys).toBe(1);
    await table.handle([event('KeyExpired', 5, { expiredAt: '2026-02-02T00:00:00.000Z', reason: 'grace_ended' })]);
    expect(key().status).toBe('expired');
    expect([...table.ending()]).toEqual([]);
    expect(table.activeKeys).toBe(0);
  });
});

describe('KeyTable (rate-limit subjects)', () => {
  const createdFrom = (keyId: string, rolledFromKeyId: string | null): RecordedEvent => ({
    id: `r-${++position}`,
    streamId: `api_key-${keyId}`,
    type: 'KeyCreated',
    schemaVersion: 2,
    data: {
      keyId, accountId: 'acme', name: null, prefix: 'sk_x', secretHash: `hash-${keyId}`, rateLimit, createdAt: '2026-01-01T00:00:00.000Z',
      actingKeyId: null, permissions: ['*'], allowedIps: [], expiresAt: null, rolledFromKeyId,
    },
    metadata: {},
    revision: 0,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
  });
  const subjects = (table: KeyTable, ids: string[]) => ids.map((id) => table.byId(id)?.rateLimitSubject);

  it('counts a line of rolls under its first key, from the log', async () => {
    const table = new KeyTable({ getCheckpoint: async () => null, allViews: async function* () {} });
    await table.handle([createdFrom('a', null), createdFrom('b', 'a'), createdFrom('c', 'b'), createdFrom('d', null)]);
    expect(subjects(table, ['a', 'b', 'c', 'd'])).toEqual(['key:a', 'key:a', 'key:a', 'key:d']);
  });

  it('counts a line of rolls under its first key when loaded from views in id order, not creation order', async () => {
    // Ids sort against creation: the successor of a successor is loaded first.
    const views = [
      makeView({ id: '1-third', accountId: 'acme', rateLimit, createdPosition: 3, rolledFromKeyId: '2-second', secretHash: 'h3' }),
      makeView({ id: '2-second', accountId: 'acme', rateLimit, createdPosition: 2, rolledFromKeyId: '3-first', secretHash: 'h2' }),
      makeView({ id: '3-first', accountId: 'acme', rateLimit, createdPosition: 1, secretHash: 'h1' }),
    ];
    const table = new KeyTable({ getCheckpoint: async () => 3, allViews: async function* () { yield views; } });
    await table.checkpoint();
    expect(subjects(table, ['1-third', '2-second', '3-first'])).toEqual(['key:3-first', 'key:3-first', 'key:3-first']);
    await table.handle([createdFrom('4-fourth', '1-third')]);
    expect(subjects(table, ['4-fourth'])).toEqual(['key:3-first']);
  });
});

describe('KeyTable listing order (docs/api.md, "The key listing\'s order")', () => {
  it('lists newest first by log position, not by createdAt, and pages by it exactly', async () => {
    const table = new KeyTable({ getCheckpoint: async () => null, allViews: async function* () {} });
    await table.checkpoint();
    const created = (keyId: string, createdAt: string) => ({ ...recorded('KeyCreated', keyId), data: { ...recorded('KeyCreated', keyId).data, createdAt } });
    // Logged in the order early, late, middle: another instance read its clock first and appended last.
    await table.handle([created('early', '2026-01-01T00:00:00.000Z'), created('late', '2026-01-01T00:00:00.109Z'), created('middle', '2026-01-01T00:00:00.050Z')]);
    expect((await table.list('acme', { limit: 10 })).views.map((key) => key.id)).toEqual(['middle', 'late', 'early']);
    const first = await table.list('acme', { limit: 1 });
    const rest = await table.list('acme', { limit: 10, beforePosition: first.views[0].createdPosition });
    expect([...first.views, ...rest.views].map((key) => key.id)).toEqual(['middle', 'late', 'early']);
  });
});

describe('KeyTable.liveKeys (what the account key limit counts)', () => {
  it('counts the account’s keys neither revoked nor expired nor past their end, disabled ones and those a newer version changed included', async () => {
    const at = Date.parse('2026-06-01T00:00:00.000Z');
    const stored = [
      makeView({ accountId: 'acme' }),
      makeView({ accountId: 'acme', status: 'disabled', disabled: true }),
      makeView({ accountId: 'acme', unreadableSince: 3 }),
      makeView({ accountId: 'acme', endsAt: '2026-06-01T00:00:01.000Z' }),
      makeView({ accountId: 'acme', endsAt: '2026-06-01T00:00:00.000Z' }),
      makeView({ accountId: 'acme', status: 'revoked' }),
      makeView({ accountId: 'acme', status: 'expired' }),
      makeView({ accountId: 'other' }),
    ];
    const table = new KeyTable({ getCheckpoint: async () => 1, allViews: async function* () { yield stored; } }, { readKeyStream: async () => [] });
    await table.checkpoint();
    expect(table.liveKeys('acme', at)).toBe(4);
    expect(table.liveKeys('acme', at + 1000)).toBe(3);
    expect(table.liveKeys('other', at)).toBe(1);
    expect(table.liveKeys('nobody', at)).toBe(0);
  });
});

describe('KeyTable.liveKeys kept as keys change', () => {
  it('answers as a walk of the account’s keys would, through creations, disables, revocations, expiries, reissued secrets and time passing', async () => {
    const random = seededRandom(7);
    const table = new KeyTable({ getCheckpoint: async () => null, allViews: async function* () {} });
    await table.checkpoint();
    const start = Date.parse('2026-06-01T00:00:00.000Z');
    const revisions = new Map<string, number>();
    const ids: string[] = [];
    const walk = (accountId: string, atMs: number) =>
      ids.map((id) => table.byId(id)!).filter((key: KnownKey) => key.accountId === accountId && key.status === 'active' && key.endsAtMs > atMs).length;
    let now = start;
    let checked = 0;
    for (let step = 0; step < 3000; step++) {
      const accountId = random() < 0.8 ? 'acme' : 'other';
      const pick = random();
      const known = ids.filter((id) => table.byId(id)!.accountId === accountId);
      const id = known[Math.floor(random() * known.length)];
      const next = (keyId: string) => revisions.set(keyId, (revisions.get(keyId) ?? 0) + 1).get(keyId)!;
      if (pick < 0.4 || id === undefined) {
        const keyId = `k${step}`;
        const expiresAt = random() < 0.5 ? null : new Date(now + Math.floor(random() * 20_000)).toISOString();
        ids.push(keyId);
        revisions.set(keyId, 0);
        await table.handle([recordedKeyCreated(keyId, { accountId, expiresAt })]);
      } else if (pick < 0.5) {
        await table.handle([recordedKeyRevoked(id, next(id))].map((event) => ({ ...event, data: { ...event.data, accountId } })));
      } else if (pick < 0.6) {
        await table.handle([recordedKeyEvent(id, random() < 0.5 ? 'KeyDisabled' : 'KeyEnabled', next(id), { accountId, actingKeyId: null })]);
      } else if (pick < 0.65) {
        await table.handle([recordedKeyEvent(id, 'KeyExpired', next(id), { accountId, expiredAt: new Date(now).toISOString(), reason: 'expires_at' })]);
      } else if (pick < 0.7) {
        // Same key, new secret (a repeated Idempotency-Key): no key more, none less.
        const revision = next(id);
        const reissued = { accountId, prefix: 'sk_new', secretHash: `hash-${id}-${revision}`, reissuedAt: new Date(now).toISOString(), reason: 'idempotent_retry', actingKeyId: null };
        await table.handle([recordedKeyEvent(id, 'KeySecretReissued', revision, reissued)]);
      } else if (pick < 0.8) {
        now += Math.floor(random() * 3000);
      } else {
        // Asked at this instant, or at an earlier one (another request's clock reading, or a clock set back).
        const at = random() < 0.9 ? now : now - Math.floor(random() * 5000);
        expect(table.liveKeys(accountId, at)).toBe(walk(accountId, at));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});

describe('KeyTable and a reissued secret (KeySecretReissued)', () => {
  it('finds the key by its new secret only, once, and keeps its place in the listing and the gauge', async () => {
    const table = new KeyTable({ getCheckpoint: async () => null, allViews: async function* () {} });
    await table.checkpoint();
    await table.handle([recordedKeyCreated('a'), recordedKeyCreated('b')]);
    await table.handle([
      recordedKeyEvent('a', 'KeySecretReissued', 1, { prefix: 'sk_new', secretHash: 'hash-new', reissuedAt: '2026-01-02T00:00:00.000Z', reason: 'idempotent_retry', actingKeyId: null }),
    ]);
    expect(table.lookup('hash-a')).toBeUndefined();
    expect(table.lookup('hash-new')).toMatchObject({ keyId: 'a', view: { prefix: 'sk_new', revision: 1 } });
    expect(table.byId('a')?.view.secretHash).toBe('hash-new');
    expect(table.activeKeys).toBe(2);
    expect((await table.list('acme', { limit: 10 })).views.map((view) => view.id)).toEqual(['b', 'a']);
  });

  it('leaves the account’s live count as it was: the same key, not one more (the account key limit)', async () => {
    const at = Date.parse('2026-06-01T00:00:00.000Z');
    const table = new KeyTable({ getCheckpoint: async () => null, allViews: async function* () {} });
    await table.checkpoint();
    await table.handle([recordedKeyCreated('a'), recordedKeyCreated('b')]);
    // Asked first, so that the count is kept from then on rather than walked again.
    expect(table.liveKeys('acme', at)).toBe(2);
    for (const revision of [1, 2, 3]) {
      const reissued = { prefix: 'sk_new', secretHash: `hash-a-${revision}`, reissuedAt: '2026-01-02T00:00:00.000Z', reason: 'idempotent_retry', actingKeyId: null };
      await table.handle([recordedKeyEvent('a', 'KeySecretReissued', revision, reissued)]);
    }
    expect(table.liveKeys('acme', at)).toBe(2);
    // Its own event to this version: the key is not taken for one a newer version changed.
    expect(table.keysChangedByNewerVersion).toBe(0);
    expect(table.lookup('hash-a-3')).toMatchObject({ keyId: 'a', changedByNewerVersion: false });
    await table.handle([recordedKeyRevoked('a', 4)]);
    expect(table.liveKeys('acme', at)).toBe(1);
  });
});
