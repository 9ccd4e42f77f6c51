import { presentApiKey } from '../keys/presentation/present-api-key.js';
import type { ApiKeyResponse } from '../keys/presentation/api-key.response.js';
import type { ApiKeyView } from '../keys/projection/api-key-view.js';
import { replayKeyUsage } from '../keys/queries/get-api-key/replay-key-as-of.js';
import type { EventStore } from '../shared/event-store/event-store.port.js';
import { keyRecord } from './key-fields.js';
import { note, outputFormat, print, printJson } from './output.js';
import { renderRecord } from './table.js';

/** A key as a change left it (its view from the command's decision), with its usage as the log has it: no read model needed. */
export async function changedKey(store: EventStore, view: ApiKeyView): Promise<ApiKeyResponse> {
  return presentApiKey(view, await replayKeyUsage(store, view.id));
}

/**
 * Prints a key after a change: JSON as the API answers it, with the revision the API answers as its ETag (what the
 * next --if-match takes, as show prints it), or a record and one line saying what changed.
 */
export function printKey(key: ApiKeyResponse, revision: number, options: { json?: boolean; table?: boolean }, message: string): void {
  if (outputFormat(options) === 'json') return printJson({ ...key, revision });
  print(renderRecord([...keyRecord(key), ['revision', String(revision)]]));
  note(message);
}
