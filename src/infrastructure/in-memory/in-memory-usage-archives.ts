import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { UsageArchiveFile, UsageArchiveFiles, UsageArchiveHeader } from '../../usage/archiving/usage-archive-file.port.js';

export interface ArchiveWritten {
  header: UsageArchiveHeader;
  events: RecordedEvent[];
  finished: boolean;
  abandoned: boolean;
}

/** For tests: archive files kept in memory, named a1.jsonl.gz, a2… in the order made, each with what was written to it. */
export class InMemoryUsageArchives implements UsageArchiveFiles {
  readonly written: ArchiveWritten[] = [];
  /** What leftBehind answers. */
  left: string[] = [];

  async create(header: UsageArchiveHeader): Promise<UsageArchiveFile> {
    const file: ArchiveWritten = { header, events: [], finished: false, abandoned: false };
    this.written.push(file);
    const name = `a${this.written.length}.jsonl.gz`;
    return {
      write: async (event) => void file.events.push(event),
      finish: async () => {
        file.finished = true;
        return { path: `/archives/${name}`, name, sha256: 'f'.repeat(64), bytes: 1 };
      },
      abandon: async () => void (file.abandoned = true),
    };
  }

  async leftBehind(): Promise<string[]> {
    return this.left;
  }
}
