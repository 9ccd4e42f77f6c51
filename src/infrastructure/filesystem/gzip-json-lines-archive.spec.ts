import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { GzipJsonLinesArchives, USAGE_ARCHIVE_FORMAT } from './gzip-json-lines-archive.js';

const event = (revision: number): RecordedEvent => ({
  id: `e${revision}`,
  streamId: 'api_key_usage-k1',
  type: 'KeyUsed',
  schemaVersion: 1,
  data: { keyId: 'k1', usedAt: '2026-01-01T00:00:00.000Z', userAgent: 'é "quoted"\n' },
  metadata: {},
  revision,
  position: revision + 1,
  recordedAt: '2026-01-01T00:00:00.000Z',
});

describe('GzipJsonLinesArchives', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'archives-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('writes a header and one event a line, gzip-compressed, named only once complete, mode 0600, with the SHA-256 of the file', async () => {
    const archives = new GzipJsonLinesArchives(directory);
    const file = await archives.create({ before: '2026-02-01T00:00:00.000Z', archivedAt: '2026-03-01T12:34:56.789Z' });
    // Enough lines to fill the compressor's buffers more than once.
    for (let revision = 0; revision < 20_000; revision++) await file.write(event(revision));
    expect(readdirSync(directory)).toEqual(['usage-archive-before-20260201T000000.000Z-at-20260301T123456.789Z.jsonl.gz.partial']);
    const finished = await file.finish();
    expect(readdirSync(directory)).toEqual([finished.name]);
    const bytes = readFileSync(finished.path);
    expect(finished).toMatchObject({ path: join(directory, finished.name), bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(statSync(finished.path).mode & 0o777).toBe(0o600);
    const lines = gunzipSync(bytes).toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ format: USAGE_ARCHIVE_FORMAT, version: 1, before: '2026-02-01T00:00:00.000Z', archivedAt: '2026-03-01T12:34:56.789Z' });
    expect(lines).toHaveLength(20_001);
    expect(lines[1]).toEqual(event(0));
    expect(lines[20_000]).toEqual(event(19_999));
  });

  it('leaves nothing behind when abandoned', async () => {
    const file = await new GzipJsonLinesArchives(directory).create({ before: '2026-02-01T00:00:00.000Z', archivedAt: '2026-03-01T00:00:00.000Z' });
    await file.write(event(0));
    await file.abandon();
    expect(readdirSync(directory)).toEqual([]);
  });

  it('leaves nothing behind when abandoned once finished (a stop heard while it was finished)', async () => {
    const file = await new GzipJsonLinesArchives(directory).create({ before: '2026-02-01T00:00:00.000Z', archivedAt: '2026-03-01T00:00:00.000Z' });
    await file.write(event(0));
    await file.finish();
    await file.abandon();
    expect(readdirSync(directory)).toEqual([]);
  });

  it('fails a write, not waits forever, when the file cannot be written (a full disk), saying which file', async () => {
    const file = await new GzipJsonLinesArchives(directory).create({ before: '2026-02-01T00:00:00.000Z', archivedAt: '2026-03-01T00:00:00.000Z' });
    const out = (file as unknown as { out: { destroy(error: Error): void } }).out;
    out.destroy(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    const writes = (async () => {
      for (let revision = 0; revision < 200_000; revision++) await file.write(event(revision));
      await file.finish();
    })();
    await expect(writes).rejects.toThrow(/^could not write the archive file .*\.partial: ENOSPC: no space left on device, write$/);
    await file.abandon();
    expect(readdirSync(directory)).toEqual([]);
  });

  it('finds the unfinished files runs left behind: those not written for 10 minutes, of its own naming', async () => {
    const killed = join(directory, 'usage-archive-before-20260201T000000.000Z-at-20260301T000001.000Z.jsonl.gz.partial');
    const running = join(directory, 'usage-archive-before-20260201T000000.000Z-at-20260301T000002.000Z.jsonl.gz.partial');
    const other = join(directory, 'backup.sqlite.partial');
    for (const path of [killed, running, other]) writeFileSync(path, 'x');
    for (const path of [killed, other]) utimesSync(path, new Date(Date.now() - 11 * 60_000), new Date(Date.now() - 11 * 60_000));
    expect(await new GzipJsonLinesArchives(directory).leftBehind()).toEqual([killed]);
  });

  it('fails to start in a directory that is not there, saying which', async () => {
    await expect(new GzipJsonLinesArchives(join(directory, 'missing')).create({ before: 'b', archivedAt: 'a' })).rejects.toThrow(/missing/);
  });
});
