import { jest } from '@jest/globals';
import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import { InMemoryUsageArchives } from '../../infrastructure/in-memory/in-memory-usage-archives.js';
import { AppendRefusedError } from '../../shared/event-store/append-refused.error.js';
import type { EventStore, StreamAppend } from '../../shared/event-store/event-store.port.js';
import { authenticationFailuresStreamId } from '../domain/authentication-failed.js';
import { keyUsageStreamId } from '../domain/key-used.js';
import { USAGE_ARCHIVED } from '../domain/usage-archived.js';
import { applyToKeyUsageView, type KeyUsageView } from '../projection/key-usage-view.js';
import { ArchiveTooRecent, archiveUsage } from './archive-usage.js';

const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');

const use = (keyId: string, outcome = 'accepted') => ({
  type: 'KeyUsed',
  schemaVersion: 1,
  data: { keyId, accountId: 'acme', usedAt: new Date().toISOString(), requestId: 'r', ip: '203.0.113.9', userAgent: 'ua', method: 'GET', path: '/v1/x', outcome },
});

async function useAt(store: EventStore, at: number, keyId: string, outcome = 'accepted'): Promise<void> {
  jest.setSystemTime(at);
  await store.appendToStream(keyUsageStreamId(keyId), [use(keyId, outcome)], 'any');
}

async function failAt(store: EventStore, at: number): Promise<void> {
  jest.setSystemTime(at);
  const failedAt = new Date(at).toISOString();
  const data = { failedAt, requestId: 'r', ip: '198.51.100.1', userAgent: null, method: 'GET', path: '/v1/x', reason: 'unknown', keyId: null, accountId: null };
  await store.appendToStream(authenticationFailuresStreamId(failedAt), [{ type: 'AuthenticationFailed', schemaVersion: 1, data }], 'any');
}

/** The usage view as a read model folding what the log holds now would have it. */
async function rebuiltView(store: EventStore, keyId: string): Promise<KeyUsageView | undefined> {
  return (await store.readStream(keyUsageStreamId(keyId))).reduce<KeyUsageView | undefined>(applyToKeyUsageView, undefined);
}

function figures(view: KeyUsageView | undefined) {
  if (!view) return undefined;
  const { accepted, rateLimited, refused, firstUsedAt, lastUsedAt, lastIp, lastUserAgent, hourly } = view;
  return { accepted, rateLimited, refused, firstUsedAt, lastUsedAt, lastIp, lastUserAgent, hourly };
}

describe('archiveUsage', () => {
  let store: InMemoryEventStore;
  let files: InMemoryUsageArchives;

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0, doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    store = new InMemoryEventStore();
    files = new InMemoryUsageArchives();
    // Key k1: uses on days 0–9; k2: one use on day 1; k3: only after the cut (day 20); failures on days 1 and 20.
    // Appended in time order, as the log dates them.
    jest.setSystemTime(T0);
    await store.appendToStream('api_key-k1', [{ type: 'KeyCreated', schemaVersion: 1, data: { keyId: 'k1' } }], 'no_stream');
    for (let day = 0; day < 10; day++) {
      await useAt(store, T0 + day * DAY_MS + 3_600_000, 'k1', day % 3 === 0 ? 'rate_limited' : 'accepted');
      if (day === 1) {
        await useAt(store, T0 + DAY_MS + 7_200_000, 'k2', 'refused');
        await failAt(store, T0 + DAY_MS + 7_200_000);
      }
    }
    await useAt(store, T0 + 20 * DAY_MS, 'k3');
    await failAt(store, T0 + 20 * DAY_MS);
  });

  afterEach(() => jest.useRealTimers());

  it('leaves out, and names, a stream deleted for good: the log still reads its uses (EventStoreDB: `$all` until the scavenge), appends to it are refused', async () => {
    const deleted = keyUsageStreamId('k2');
    const refuse = (streamId: string) => {
      if (streamId === deleted) throw new AppendRefusedError('EventStoreDB', 'stream_deleted', new Error(`Event stream '${streamId}' is deleted.`), streamId);
    };
    const overrides: Partial<EventStore> = {
      deletedStreams: async (streamIds) => new Set(streamIds.filter((streamId) => streamId === deleted)),
      appendToStreams: async (appends: readonly StreamAppend[]) => {
        appends.forEach(({ streamId }) => refuse(streamId));
        return store.appendToStreams(appends);
      },
      removeStreamStart: async (streamId, beforeRevision) => {
        refuse(streamId);
        return store.removeStreamStart(streamId, beforeRevision);
      },
    };
    const tombstoning = new Proxy(store, {
      get: (target, name) => {
        if (name in overrides) return overrides[name as keyof EventStore];
        const value: unknown = Reflect.get(target, name);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as EventStore;
    const options = { before: new Date(T0 + 5 * DAY_MS), now: new Date(T0 + 30 * DAY_MS) };

    const report = await archiveUsage(tombstoning, files, options);
    expect(report).toMatchObject({ events: 5 + 1, usageStreams: 1, failureStreams: 1, removed: 6, deletedStreams: [deleted] });
    expect(files.written[0].events.filter((event) => event.streamId === deleted)).toEqual([]);
    expect((await store.readStream(deleted)).map((event) => event.type)).toEqual(['KeyUsed']);
    await expect(archiveUsage(tombstoning, files, options)).resolves.toMatchObject({ events: 0, deletedStreams: [deleted] });
  });

  it('moves the uses and failures logged before `before` into the file and out of the log; the views rebuilt from the log count the same', async () => {
    const whole = { k1: figures(await rebuiltView(store, 'k1')), k2: figures(await rebuiltView(store, 'k2')), k3: figures(await rebuiltView(store, 'k3')) };
    const report = await archiveUsage(store, files, { before: new Date(T0 + 5 * DAY_MS), now: new Date(T0 + 30 * DAY_MS) });

    expect(report).toMatchObject({ events: 5 + 1 + 1, usageStreams: 2, failureStreams: 1, removed: 7, file: { name: 'a1.jsonl.gz' } });
    const [file] = files.written;
    expect(file.finished).toBe(true);
    expect(file.events.map((event) => [event.streamId, event.revision])).toEqual([
      [keyUsageStreamId('k1'), 0],
      [keyUsageStreamId('k1'), 1],
      [keyUsageStreamId('k2'), 0],
      [authenticationFailuresStreamId(new Date(T0 + DAY_MS).toISOString()), 0],
      ...[2, 3, 4].map((revision) => [keyUsageStreamId('k1'), revision]),
    ]);
    // What the log holds: k1's later uses and its archive; k2's archive alone; k3 and the later failure untouched.
    expect((await store.readStream(keyUsageStreamId('k1'))).map((event) => [event.type, event.revision])).toEqual([
      ...[5, 6, 7, 8, 9].map((revision) => ['KeyUsed', revision]),
      [USAGE_ARCHIVED, 10],
    ]);
    expect((await store.readStream(keyUsageStreamId('k2'))).map((event) => event.type)).toEqual([USAGE_ARCHIVED]);
    expect(await store.readStream(authenticationFailuresStreamId(new Date(T0 + DAY_MS).toISOString()))).toEqual([]);
    expect(await store.readStream(authenticationFailuresStreamId(new Date(T0 + 20 * DAY_MS).toISOString()))).toHaveLength(1);
    expect(await store.readStream('api_key-k1')).toHaveLength(1);
    const [archive] = (await store.readStream(keyUsageStreamId('k1'))).slice(-1);
    expect(archive.data).toMatchObject({ keyId: 'k1', accountId: 'acme', throughRevision: 4, events: 5, file: 'a1.jsonl.gz', fileSha256: 'f'.repeat(64) });
    expect(archive.data.totals).toMatchObject({ accepted: 3, rateLimited: 2, refused: 0 });

    // k2's only use is archived: its figures stay, its address and user agent leave the log with it (docs/personal-data.md).
    expect({ k1: figures(await rebuiltView(store, 'k1')), k2: figures(await rebuiltView(store, 'k2')), k3: figures(await rebuiltView(store, 'k3')) }).toEqual({
      ...whole,
      k2: { ...whole.k2!, lastIp: null, lastUserAgent: null },
    });
  });

  // operations.md, "A clock stepped on a running instance": one use dated years ahead by a clock stepped forward.
  it('goes on past an event dated after its own `now` (a clock stepped ahead), which stopped every run there until that date', async () => {
    const glitched = new InMemoryEventStore();
    await useAt(glitched, T0, 'k1');
    await useAt(glitched, T0 + 5 * 365 * DAY_MS, 'kg');
    await useAt(glitched, T0 + DAY_MS, 'k1');
    await useAt(glitched, T0 + 2 * DAY_MS, 'k1');
    await useAt(glitched, T0 + 2 * DAY_MS, 'kg');
    const report = await archiveUsage(glitched, files, { before: new Date(T0 + 5 * DAY_MS), now: new Date(T0 + 30 * DAY_MS) });

    expect(report).toMatchObject({ events: 3, usageStreams: 1 });
    expect((await glitched.readStream(keyUsageStreamId('k1'))).map((event) => event.type)).toEqual([USAGE_ARCHIVED]);
    // The glitched use is dated after `before`: its stream's start stays whole, as any use after `before` keeps it.
    expect(await glitched.readStream(keyUsageStreamId('kg'))).toHaveLength(2);
  });

  it('leaves in the log the start of a key\'s usage that holds a use of a newer version, which no totals of its would count', async () => {
    const log = new InMemoryEventStore();
    await useAt(log, T0, 'k9');
    // KeyUsed 2, its time moved: archived, an upgraded version would read the archive's totals, which leave it out.
    jest.setSystemTime(T0 + DAY_MS);
    await log.appendToStream(keyUsageStreamId('k9'), [{ type: 'KeyUsed', schemaVersion: 2, data: { keyId: 'k9', accountId: 'acme', at: 'x', outcome: 'accepted' } }], 'any');
    await useAt(log, T0 + 2 * DAY_MS, 'k9');
    await useAt(log, T0 + 2 * DAY_MS, 'k1');
    await useAt(log, T0 + 20 * DAY_MS, 'k1');
    const warnings: string[] = [];
    const report = await archiveUsage(log, files, { before: new Date(T0 + 5 * DAY_MS), now: new Date(T0 + 30 * DAY_MS), onWarning: (message) => warnings.push(message) });
    expect(report).toMatchObject({ usageStreams: 1, events: 1 });
    expect((await log.readStream(keyUsageStreamId('k9'))).map((event) => [event.type, event.schemaVersion])).toEqual([
      ['KeyUsed', 1],
      ['KeyUsed', 2],
      ['KeyUsed', 1],
    ]);
    expect(warnings).toEqual([
      `${keyUsageStreamId('k9')}: KeyUsed (schema version 2) at revision 1 was written by a newer version of the service, which this one cannot read; its start was left in the log`,
    ]);
  });

  it('runs again later without counting anything twice, also after a run cut short before it removed anything', async () => {
    const whole = figures(await rebuiltView(store, 'k1'));
    await archiveUsage(store, files, { before: new Date(T0 + 3 * DAY_MS), now: new Date(T0 + 30 * DAY_MS) });
    // Cut short: its archives appended, nothing removed (as if the process died there).
    const removeStreamStart = jest.spyOn(store, 'removeStreamStart').mockRejectedValueOnce(new Error('killed'));
    await expect(archiveUsage(store, files, { before: new Date(T0 + 6 * DAY_MS), now: new Date(T0 + 30 * DAY_MS) })).rejects.toThrow('killed');
    removeStreamStart.mockRestore();
    expect(figures(await rebuiltView(store, 'k1'))).toEqual(whole);
    const report = await archiveUsage(store, files, { before: new Date(T0 + 8 * DAY_MS), now: new Date(T0 + 30 * DAY_MS) });
    // Days 3–7: 5 uses; the two earlier runs' archives stay (they come after day 8's use), and add nothing.
    expect((await store.readStream(keyUsageStreamId('k1'))).map((event) => [event.type, event.revision])).toEqual([
      ['KeyUsed', 8],
      ['KeyUsed', 9],
      [USAGE_ARCHIVED, 10],
      [USAGE_ARCHIVED, 11],
      [USAGE_ARCHIVED, 12],
    ]);
    expect(report.events).toBe(5);
    expect(figures(await rebuiltView(store, 'k1'))).toEqual(whole);
  });

  it('takes along an earlier archive right after the uses it moves, so that the log holds no archive whose uses are gone before it', async () => {
    const whole = figures(await rebuiltView(store, 'k2'));
    // A run cut short: k2's archive appended after its one use, which stays.
    const removeStreamStart = jest.spyOn(store, 'removeStreamStart').mockRejectedValueOnce(new Error('killed'));
    await expect(archiveUsage(store, files, { before: new Date(T0 + 2 * DAY_MS), now: new Date(T0 + 30 * DAY_MS) })).rejects.toThrow('killed');
    removeStreamStart.mockRestore();
    expect((await store.readStream(keyUsageStreamId('k2'))).map((event) => [event.type, event.revision])).toEqual([['KeyUsed', 0], [USAGE_ARCHIVED, 1]]);
    await archiveUsage(store, files, { before: new Date(T0 + 2 * DAY_MS), now: new Date(T0 + 31 * DAY_MS) });
    expect((await store.readStream(keyUsageStreamId('k2'))).map((event) => [event.type, event.revision])).toEqual([[USAGE_ARCHIVED, 2]]);
    expect(files.written[1].events.filter((event) => event.streamId === keyUsageStreamId('k2')).map((event) => event.revision)).toEqual([0, 1]);
    expect(figures(await rebuiltView(store, 'k2'))).toEqual({ ...whole!, lastIp: null, lastUserAgent: null });
  });

  it('refuses a `before` less than 8 days ago, and on a dry run counts without writing, appending or removing', async () => {
    await expect(archiveUsage(store, files, { before: new Date(T0 + 23 * DAY_MS), now: new Date(T0 + 30 * DAY_MS) })).rejects.toBeInstanceOf(ArchiveTooRecent);
    const head = await store.headPosition();
    const report = await archiveUsage(store, files, { before: new Date(T0 + 5 * DAY_MS), now: new Date(T0 + 30 * DAY_MS), dryRun: true });
    expect(report).toMatchObject({ events: 7, usageStreams: 2, failureStreams: 1, file: null });
    expect(files.written).toEqual([]);
    expect(await store.headPosition()).toBe(head);
    expect(await store.readStream(keyUsageStreamId('k1'))).toHaveLength(10);
  });

  it('stopped while its file is finished, removes the file and leaves the log unchanged; failing once it appends, keeps the file', async () => {
    const head = await store.headPosition();
    let stop: Error | null = null;
    const finishing = jest.spyOn(files, 'create').mockImplementationOnce(async (header) => {
      const file = await InMemoryUsageArchives.prototype.create.call(files, header);
      return { ...file, finish: () => ((stop = new Error('stopped by SIGINT')), file.finish()) };
    });
    const options = { before: new Date(T0 + 5 * DAY_MS), now: new Date(T0 + 30 * DAY_MS), interrupted: () => stop };
    await expect(archiveUsage(store, files, options)).rejects.toThrow('stopped by SIGINT');
    finishing.mockRestore();
    expect(files.written[0]).toMatchObject({ finished: true, abandoned: true });
    expect(await store.headPosition()).toBe(head);

    const appending = jest.spyOn(store, 'appendToStreams').mockRejectedValueOnce(new Error('disk full'));
    await expect(archiveUsage(store, files, { ...options, interrupted: () => null })).rejects.toThrow('disk full');
    appending.mockRestore();
    expect(files.written[1]).toMatchObject({ finished: true, abandoned: false });
  });

  it('says when it starts to change the log, before its first append, and on a dry run never', async () => {
    const said: string[] = [];
    const appendToStreams = store.appendToStreams.bind(store);
    jest.spyOn(store, 'appendToStreams').mockImplementation((appends) => (said.push('append'), appendToStreams(appends)));
    const options = { before: new Date(T0 + 5 * DAY_MS), now: new Date(T0 + 30 * DAY_MS), onChangingLog: () => said.push('changing') };
    await archiveUsage(store, files, { ...options, dryRun: true });
    expect(said).toEqual([]);
    await archiveUsage(store, files, options);
    expect(said).toEqual(['changing', 'append']);
  });

  it('says which unfinished files earlier runs left behind (killed), before it starts', async () => {
    files.left = ['/archives/usage-archive-before-x.jsonl.gz.partial'];
    const warnings: string[] = [];
    await archiveUsage(store, files, { before: new Date(T0 + 5 * DAY_MS), now: new Date(T0 + 30 * DAY_MS), onWarning: (message) => warnings.push(message) });
    expect(warnings).toEqual(['/archives/usage-archive-before-x.jsonl.gz.partial is the unfinished file of an earlier run that was stopped (killed): none of its events left the log; delete it']);
  });

  it('makes no file and changes nothing when nothing was logged before `before` (until 2026-12-06 it made one and removed it: a read-only --dir failed)', async () => {
    const log = await store.readAll({ after: null, maxCount: 100 });
    const report = await archiveUsage(store, files, { before: new Date(T0 - DAY_MS), now: new Date(T0 + 30 * DAY_MS) });
    expect(report).toMatchObject({ events: 0, file: null, removed: 0 });
    expect(files.written).toEqual([]);
    expect(await store.readAll({ after: null, maxCount: 100 })).toEqual(log);
  });
});
