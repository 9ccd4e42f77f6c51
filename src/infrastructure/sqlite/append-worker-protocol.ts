import type { AppendResult, ExpectedRevision, StreamAppend } from '../../shared/event-store/event-store.port.js';

export interface AppendWorkerData {
  file: string;
}

export interface AppendRequest {
  id: number;
  appends: readonly StreamAppend[];
}

export type AppendReply =
  | { id: number; results: AppendResult[] }
  | { id: number; conflict: { streamId: string; expected: ExpectedRevision; actual: number | 'no_stream' } }
  | { id: number; failure: string };
