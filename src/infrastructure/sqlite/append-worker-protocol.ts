import type { AppendResult, ExpectedRevision, StreamAppend } from '../../shared/event-store/event-store.port.js';
import { type EncodedStreamAppend, encodeEvent } from './encoded-event.js';

export interface AppendWorkerData {
  file: string;
  /** FULL flushes every commit to disk before it answers (key changes); NORMAL only at checkpoints (usage). */
  synchronous: 'FULL' | 'NORMAL';
  /** How often the worker checkpoints the log (copies its write-ahead log into the file); null: never (another worker does). */
  checkpointIntervalMs: number | null;
  /** Whether the thread runs below the request thread's priority (runAtBackgroundPriority). */
  background: boolean;
}

/**
 * Appends flattened to one array of strings and numbers, the events already encoded: cloning a batch of
 * usage events as objects cost ~3.2 µs an event to send and ~6.9 µs to receive, as flat strings ~0.6 and ~0.9
 * (measured on this project's machine, 500-event batches), and the worker no longer encodes them.
 * Layout, per append: streamId, expectedRevision, event count, then id, type, schemaVersion, data, metadata per event.
 */
export type PackedAppends = (string | number)[];

export interface AppendRequest {
  id: number;
  appends: PackedAppends;
}

export type AppendReply =
  | { id: number; results: AppendResult[] }
  | { id: number; conflict: { streamId: string; expected: ExpectedRevision; actual: number | 'no_stream' } }
  /** code: SQLite's result code (SQLITE_FULL...), so the store can tell a disk it cannot write from a fault. */
  | { id: number; failure: string; code?: string };

/** A pragma for the worker's connection, run before the requests sent after it (tests: a full or read-only disk). */
export interface PragmaRequest {
  pragma: string;
}

/** What the worker sends: an answer to an append, or a warning of its own (a failed checkpoint). */
export type AppendWorkerMessage = AppendReply | { warning: string };

export function packAppends(appends: readonly StreamAppend[]): PackedAppends {
  const packed: PackedAppends = [];
  for (const { streamId, expectedRevision, events } of appends) {
    packed.push(streamId, expectedRevision, events.length);
    for (const event of events) {
      const { id, type, schemaVersion, data, metadata } = encodeEvent(event);
      packed.push(id, type, schemaVersion, data, metadata);
    }
  }
  return packed;
}

export function unpackAppends(packed: PackedAppends): EncodedStreamAppend[] {
  const appends: EncodedStreamAppend[] = [];
  for (let at = 0; at < packed.length; ) {
    const streamId = packed[at++] as string;
    const expectedRevision = packed[at++] as ExpectedRevision;
    const count = packed[at++] as number;
    const events = [];
    for (let i = 0; i < count; i++, at += 5) {
      events.push({
        id: packed[at] as string,
        type: packed[at + 1] as string,
        schemaVersion: packed[at + 2] as number,
        data: packed[at + 3] as string,
        metadata: packed[at + 4] as string,
      });
    }
    appends.push({ streamId, expectedRevision, events });
  }
  return appends;
}
