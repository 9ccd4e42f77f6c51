import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';

/** What an archive file says of itself on its first line, before the events. */
export interface UsageArchiveHeader {
  /** Events logged before this instant (ISO-8601) were archived. */
  before: string;
  archivedAt: string;
}

export interface FinishedUsageArchive {
  /** The file's path, and its name alone (what the log's UsageArchived events record). */
  path: string;
  name: string;
  sha256: string;
  bytes: number;
}

/** One archive being written: the events a run moves out of the log, one after another. */
export interface UsageArchiveFile {
  write(event: RecordedEvent): Promise<void>;
  /** Completes the file, durably (flushed to disk and named only then), before anything is removed from the log. */
  finish(): Promise<FinishedUsageArchive>;
  /**
   * Removes the file, unfinished or finished (a run stopped, failed or moving nothing before any archive in the log
   * names it).
   */
  abandon(): Promise<void>;
}

export interface UsageArchiveFiles {
  create(header: UsageArchiveHeader): Promise<UsageArchiveFile>;
  /** Unfinished files a run left when it was killed (none of their events left the log), untouched for a while. */
  leftBehind(): Promise<string[]>;
}
