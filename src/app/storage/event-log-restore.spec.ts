import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../infrastructure/sqlite/sqlite-event-store.js';
import type { Projection } from '../../shared/projections/projection.js';
import { checkpointWithinLog } from '../../shared/projections/checkpoint-within-log.js';
import { backUpEventLog } from './storage.js';
import { restoreEventLog } from './event-log-restore.js';

const created = { type: 'KeyCreated', schemaVersion: 1, data: {} };
const used = { type: 'KeyUsed', schemaVersion: 1, data: {} };

/** A read model kept outside DATA_DIR (MongoDB's views, the webhook's position): only its checkpoint matters here. */
function keptReadModel(checkpoint: number): Projection & { startedOverWithin: (number | null)[] } {
  const startedOverWithin: (number | null)[] = [];
  return {
    name: 'kept-views',
    eventTypes: ['KeyCreated', 'KeyUsed'],
    startedOverWithin,
    checkpoint: async () => checkpoint,
    handle: async () => undefined,
    saveCheckpoint: async () => undefined,
    startOverWithin: async (end) => (startedOverWithin.push(end), null),
  } as Projection & { startedOverWithin: (number | null)[] };
}

describe('restoreEventLog and the read models kept beside the log (MONGODB_URL, a kept deliveries.sqlite)', () => {
  let dir: string;
  let settings: { DATA_DIR: string; EVENTSTORE_URL: undefined; POLL_INTERVAL_MS: number };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-restore-positions-'));
    settings = { DATA_DIR: join(dir, 'data'), EVENTSTORE_URL: undefined, POLL_INTERVAL_MS: 100 };
    mkdirSync(settings.DATA_DIR);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const append = async (events: (typeof used)[]): Promise<number[]> => {
    const store = new SqliteEventStore(join(settings.DATA_DIR, 'events.sqlite'));
    try {
      const positions: number[] = [];
      for (const event of events) positions.push((await store.appendToStreams([{ streamId: `api_key-${positions.length}`, events: [event], expectedRevision: 'any' }]))[0].position);
      return positions;
    } finally {
      await store.close();
    }
  };

  it('catches a checkpoint of the replaced log even once events appended after the restore pass it', async () => {
    await append([created, used]);
    const backup = join(dir, 'backup.sqlite');
    await backUpEventLog(settings, backup);
    // After the backup: a revocation, uses... the kept read model follows them to position 5.
    await append([used, used, used]);
    await restoreEventLog(settings, backup);
    // Before any service starts: keys created with the CLI.
    const positions = await append([created, created, created, created]);
    // Until 2026-12-06 they took positions 3 to 6 again: the checkpoint (5) was within the log, the read model kept
    // the replaced log's views and never read the keys created at 3, 4 and 5.
    expect(positions).toEqual([6, 7, 8, 9]);
    const store = new SqliteEventStore(join(settings.DATA_DIR, 'events.sqlite'));
    try {
      const views = keptReadModel(5);
      const warnings: string[] = [];
      expect(await checkpointWithinLog(store, views, (message) => warnings.push(message))).toBeNull();
      expect(views.startedOverWithin).toEqual([2]);
      expect(warnings).toEqual([
        'Projection kept-views had reached position 5 of the event log, which a restore replaced by a copy ending at 2: ' +
          'the log was restored from an earlier copy or replaced, so it starts over from the start of the log',
      ]);
      // A checkpoint taken on the restored log, before or after the positions it left to the replaced one, stands.
      for (const checkpoint of [2, 7, 9]) expect(await checkpointWithinLog(store, keptReadModel(checkpoint), () => undefined)).toBe(checkpoint);
    } finally {
      await store.close();
    }
    expect(readdirSync(settings.DATA_DIR).filter((name) => name.includes('restoring'))).toEqual([]);
  });

  it('leaves the positions as they were where the backup is as far as the log it replaces', async () => {
    await append([created, used]);
    const backup = join(dir, 'backup.sqlite');
    await backUpEventLog(settings, backup);
    await restoreEventLog(settings, backup);
    expect(await append([used])).toEqual([3]);
  });
});
