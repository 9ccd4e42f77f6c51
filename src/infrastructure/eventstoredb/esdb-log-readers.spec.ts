import { InMemoryEventStore } from '../in-memory/in-memory-event-store.js';
import { LOG_FORMAT_READ, logReadersDecision } from '../../shared/event-store/log-format.js';
import { checkEsdbLogReaders, LOG_READERS_RAISED, LOG_READERS_STREAM, logReadersMark, logReadersRaised } from './esdb-log-readers.js';

const recorded = (type: string, schemaVersion: number, data: Record<string, unknown>, revision = 0) => ({
  id: `e${revision}`,
  streamId: LOG_READERS_STREAM,
  type,
  schemaVersion,
  data,
  metadata: {},
  revision,
  position: revision + 1,
  recordedAt: '2026-12-06T00:00:00.000Z',
});

describe('The mark against downgrades on EventStoreDB (stream parsesphere-log-readers)', () => {
  it('maps a raise to one event and reads the highest one back', () => {
    expect(logReadersRaised(3)).toEqual({ type: LOG_READERS_RAISED, schemaVersion: 1, data: { oldestReader: 3 } });
    expect(logReadersMark([], 'on EventStoreDB')).toBeNull();
    expect(logReadersMark([recorded(LOG_READERS_RAISED, 1, { oldestReader: 2 }, 0), recorded(LOG_READERS_RAISED, 1, { oldestReader: 3 }, 1)], 'x')).toBe(3);
    expect(logReadersMark([recorded(LOG_READERS_RAISED, 1, { oldestReader: 3 }, 0), recorded(LOG_READERS_RAISED, 1, { oldestReader: 2 }, 1)], 'x')).toBe(3);
  });

  it('refuses, fail closed, an event there it cannot read (another type or version, a value that is no format)', () => {
    for (const event of [recorded('LogReadersSet', 1, { oldestReader: 1 }), recorded(LOG_READERS_RAISED, 2, { oldestReader: 1 }), recorded(LOG_READERS_RAISED, 1, { oldestReader: '2' }), recorded(LOG_READERS_RAISED, 1, {})]) {
      expect(() => logReadersMark([event], 'on EventStoreDB')).toThrow(/^The event log on EventStoreDB holds, in parsesphere-log-readers at revision 0, .* which this version cannot read/);
    }
  });

  it('decides as on the embedded log: refuse a newer mark, raise a lower one, keep its own', () => {
    expect(logReadersDecision(3, { reads: 2, needs: 1 })).toBe('refuse');
    expect(logReadersDecision(1, { reads: 2, needs: 2 })).toBe('raise');
    expect(logReadersDecision(null, { reads: 1, needs: 1 })).toBe('raise');
    expect(logReadersDecision(2, { reads: 2, needs: 1 })).toBe('keep');
  });

  it('writes nothing on a database without the mark while no format change needs one', async () => {
    const store = new InMemoryEventStore();
    await checkEsdbLogReaders(store, 'on EventStoreDB');
    expect(await store.readStream(LOG_READERS_STREAM)).toEqual([]);
  });

  it('raises it for a version whose events need a newer reader, never lowers it, and refuses an older reader with the one line', async () => {
    const store = new InMemoryEventStore();
    await checkEsdbLogReaders(store, 'on EventStoreDB', { reads: 2, needs: 2 });
    await checkEsdbLogReaders(store, 'on EventStoreDB', { reads: 3, needs: 1 });
    expect((await store.readStream(LOG_READERS_STREAM)).map((event) => event.data)).toEqual([{ oldestReader: 2 }]);
    await expect(checkEsdbLogReaders(store, 'on EventStoreDB', { reads: 1, needs: 1 })).rejects.toThrow(
      'The event log on EventStoreDB was written by a newer version of the service: it needs a version that reads log format 2, and this one reads format 1. ' +
        'Run that version or a later one (docs/operations.md, "Upgrades, rolling upgrades and downgrades")',
    );
    expect(LOG_FORMAT_READ).toBe(1);
  });

  it('reads the stream again when another process raised it between its read and its append', async () => {
    const store = new InMemoryEventStore();
    const readStream = store.readStream.bind(store);
    let raced = false;
    store.readStream = async (streamId, page) => {
      const events = await readStream(streamId, page);
      if (!raced) {
        raced = true;
        await store.appendToStream(LOG_READERS_STREAM, [logReadersRaised(3)], 'no_stream');
      }
      return events;
    };
    await expect(checkEsdbLogReaders(store, 'on EventStoreDB', { reads: 2, needs: 2 })).rejects.toThrow(/needs a version that reads log format 3, and this one reads format 2/);
    expect((await readStream(LOG_READERS_STREAM)).map((event) => event.data)).toEqual([{ oldestReader: 3 }]);
  });
});
