import { presentApiKey } from '../keys/presentation/present-api-key.js';
import type { ApiKeyResponse } from '../keys/presentation/api-key.response.js';
import { replayKeyAsOf } from '../keys/queries/get-api-key/replay-key-as-of.js';
import type { EventStore } from '../shared/event-store/event-store.port.js';
import { keyRecord } from './key-fields.js';
import { note, outputFormat, print, printJson } from './output.js';
import { renderRecord } from './table.js';

/** The key as the log has it now (no read model needed). */
export async function keyFromLog(store: EventStore, keyId: string): Promise<ApiKeyResponse> {
  const found = await replayKeyAsOf(store, keyId, new Date(8.64e15));
  if (!found) throw new Error(`Key ${keyId} is not in the log`);
  return presentApiKey(found.view, found.usage);
}

/** Prints a key after a change: JSON as the API answers it, or a record and one line saying what changed. */
export function printKey(key: ApiKeyResponse, options: { json?: boolean; table?: boolean }, message: string): void {
  if (outputFormat(options) === 'json') return printJson(key);
  print(renderRecord(keyRecord(key)));
  note(message);
}
