import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { recordedKeyCreated, recordedKeyEvent, recordedKeyRevoked } from '../../../test/support/recorded-key-events.js';
import { makeView } from '../../../test/support/api-key-view.js';
import { foldApiKeyView } from '../projection/api-key-view.js';
import { KeyTable } from './key-table.js';

const event = recordedKeyEvent;
const created = (keyId: string) => recordedKeyCreated(keyId, { expiresAt: '2026-02-01T00:00:00.000Z' });
const revoked = recordedKeyRevoked;
/** KeyUpdated as a newer version would write it: schema version 2, which this version does not know. */
const updatedByNewer = (keyId: string, revision: number) => event(keyId, 'KeyUpdated', revision, { updatedAt: 'x', name: 'x', labels: {} }, 2);

describe('KeyTable and events of a newer version of the service', () => {
  it('marks only the key it cannot read, keeps applying every later event, and says so once per key', async () => {
    const warnings: string[] = [];
    const table = new KeyTable({ getCheckpoint: async () => null, allViews: async function* () {} }, { warn: (message) => warnings.push(message) });
    await table.handle([created('a'), created('b'), created('c')]);
    await table.handle([updatedByNewer('a', 1), event('a', 'KeyFrozen', 2, { frozenAt: 'x' }), revoked('b', 1)]);
    expect(table.lookup('hash-a')).toMatchObject({ changedByNewerVersion: true, status: 'active' });
    expect(table.lookup('hash-b')).toMatchObject({ changedByNewerVersion: false, status: 'revoked' });
    expect(table.lookup('hash-c')).toMatchObject({ changedByNewerVersion: false, status: 'active' });
    expect(table.keysChangedByNewerVersion).toBe(1);
    expect(table.activeKeys).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Key a (account acme)');
    expect(warnings[0]).toContain('KeyUpdated (schema version 2)');
    // Its end may have been moved by what this version cannot read: no KeyExpired from here.
    expect([...table.ending()].map((key) => key.keyId)).toEqual(['c']);
    // A revocation this version reads ends it, marked or not.
    await table.handle([revoked('a', 3)]);
    expect(table.lookup('hash-a')).toMatchObject({ changedByNewerVersion: true, status: 'revoked' });
  });

  it('knows no key whose creation it cannot read, nor its later events', async () => {
    const table = new KeyTable({ getCheckpoint: async () => null, allViews: async function* () {} });
    await table.handle([{ ...created('n'), schemaVersion: 3 }, revoked('n', 1)]);
    expect(table.byId('n')).toBeUndefined();
    expect(table.keysChangedByNewerVersion).toBe(0);
  });

  it('folds a loaded view marked unreadable again from the log, and keeps it refused while it still cannot read it', async () => {
    const stream = [created('a'), updatedByNewer('a', 1)];
    const marked = foldApiKeyView(stream)!;
    expect(marked.unreadableSince).toBe(1);
    const readable = makeView({ id: 'r', accountId: 'acme', secretHash: 'hash-r' });
    const warnings: string[] = [];
    // A view its writer marked, though the stream now reads (this version reads KeyUpdated 1).
    const markedByAnOlderWriter = { ...foldApiKeyView([created('b')])!, revision: 1, unreadableSince: 1 };
    const streams: Record<string, RecordedEvent[]> = { a: stream, b: [created('b'), event('b', 'KeyDisabled', 1, { disabledAt: 'x', actingKeyId: null })] };
    const table = new KeyTable(
      { getCheckpoint: async () => 9, allViews: async function* () { yield [marked, readable, markedByAnOlderWriter]; } },
      { readKeyStream: async (keyId) => streams[keyId], warn: (message) => warnings.push(message) },
    );
    await table.checkpoint();
    expect(table.byId('a')).toMatchObject({ changedByNewerVersion: true });
    expect(table.byId('b')).toMatchObject({ changedByNewerVersion: false, disabled: true });
    expect(table.byId('r')).toMatchObject({ changedByNewerVersion: false });
    expect(table.keysChangedByNewerVersion).toBe(1);
    // Named as at the first start, which met it in the log: until 2026-12-06 a restart said "its event at revision 1".
    expect(warnings).toEqual([expect.stringContaining('Key a (account acme) has an event this version of the service cannot read: KeyUpdated (schema version 2), ')]);
  });
});
