import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type {
  FinishedUsageArchive,
  UsageArchiveFile,
  UsageArchiveFiles,
  UsageArchiveHeader,
} from '../../usage/archiving/usage-archive-file.port.js';

/** The first line's `format`: what a reader of the file checks it is reading. */
export const USAGE_ARCHIVE_FORMAT = 'parsesphere-usage-archive';

const NAME_START = 'usage-archive-before-';
const PARTIAL = '.partial';
const LEFT_BEHIND_AFTER_MS = 10 * 60_000;

/**
 * Archive files in one directory, as gzip-compressed JSON lines: a header, then one event a line as the log held it
 * (`zcat FILE | jq` reads them). Written as `<name>.partial` (mode 0600, never over an existing file), flushed to
 * disk, then named, and the directory flushed: a file with its final name is complete.
 */
export class GzipJsonLinesArchives implements UsageArchiveFiles {
  constructor(private readonly directory: string) {}

  /** `.partial` files not written for 10 minutes: a running run writes its own at least every few seconds. */
  async leftBehind(): Promise<string[]> {
    const names = (await readdir(this.directory)).filter((name) => name.startsWith(NAME_START) && name.endsWith(PARTIAL));
    const stale: string[] = [];
    for (const name of names) {
      const path = join(this.directory, name);
      const modified = await stat(path).then((info) => info.mtimeMs, () => null);
      if (modified !== null && Date.now() - modified > LEFT_BEHIND_AFTER_MS) stale.push(path);
    }
    return stale;
  }

  async create(header: UsageArchiveHeader): Promise<UsageArchiveFile> {
    const name = `${NAME_START}${compact(header.before)}-at-${compact(header.archivedAt)}.jsonl.gz`;
    const file = new GzipJsonLinesFile(join(this.directory, name), name);
    await file.start({ format: USAGE_ARCHIVE_FORMAT, version: 1, ...header });
    return file;
  }
}

/** An instant as a file name may hold it: 2026-09-01T00:00:00.000Z → 20260901T000000.000Z. */
function compact(instant: string): string {
  return instant.replace(/[-:]/g, '');
}

class GzipJsonLinesFile implements UsageArchiveFile {
  private readonly partial: string;
  private readonly gzip = createGzip();
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private finished = false;
  private readonly out;
  /** Rejects when the file cannot be written (a full disk): a write waiting for the compressor to drain would wait forever. */
  private readonly failed: Promise<never>;

  constructor(
    private readonly path: string,
    private readonly name: string,
  ) {
    this.partial = `${path}${PARTIAL}`;
    this.out = createWriteStream(this.partial, { flags: 'wx', mode: 0o600 });
    // Both see every compressed chunk: the file's hash is of what is written.
    this.gzip.on('data', (chunk: Buffer) => {
      this.hash.update(chunk);
      this.bytes += chunk.length;
    });
    this.gzip.pipe(this.out);
    this.failed = new Promise<never>((_, reject) => {
      const fail = (error: Error) => reject(new Error(`could not write the archive file ${this.partial}: ${error.message}`, { cause: error }));
      this.out.once('error', fail);
      this.gzip.once('error', fail);
    });
    // Awaited where it matters (line, finish); a failure after abandon() is no news.
    this.failed.catch(() => {});
  }

  async start(header: Record<string, unknown>): Promise<void> {
    await Promise.race([once(this.out, 'open'), once(this.out, 'error').then(([error]) => Promise.reject(error))]);
    await this.line(header);
  }

  write(event: RecordedEvent): Promise<void> {
    return this.line(event);
  }

  private async line(value: unknown): Promise<void> {
    if (!this.gzip.write(`${JSON.stringify(value)}\n`)) await Promise.race([once(this.gzip, 'drain'), this.failed]);
  }

  async finish(): Promise<FinishedUsageArchive> {
    this.gzip.end();
    await Promise.race([finished(this.out), this.failed]);
    await flushToDisk(this.partial);
    await rename(this.partial, this.path);
    this.finished = true;
    await flushToDisk(join(this.path, '..'));
    return { path: this.path, name: this.name, sha256: this.hash.digest('hex'), bytes: this.bytes };
  }

  async abandon(): Promise<void> {
    this.gzip.destroy();
    this.out.destroy();
    await rm(this.partial, { force: true });
    // Finished (a stop heard while it was finished): no archive in the log names it.
    if (this.finished) await rm(this.path, { force: true });
  }
}

async function flushToDisk(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
