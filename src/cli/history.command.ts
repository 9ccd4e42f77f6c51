import { parseArgs } from 'node:util';
import type { Environment } from '../shared/config/environment.js';
import { openCliContext } from './cli-context.js';
import { HISTORY_START } from '../keys/queries/get-api-key-history/key-history-cursor.js';
import { KeyNotFound } from '../keys/domain/api-key-errors.js';
import { presentHistoryEvent } from '../keys/queries/get-api-key-history/key-history.presenter.js';
import { readKeyHistoryPage } from '../keys/queries/get-api-key-history/read-key-history.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { UsageError } from './usage-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 1000;

/** Prints a key's whole trail from the log, one JSON event per line, as GET /v1/api-keys/{id}/events shows them. */
export async function history(args: string[], environment: Environment): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  const [given] = positionals;
  if (!given || positionals.length > 1 || !UUID.test(given)) throw new UsageError('history takes one key id (a UUID)');
  const keyId = given.toLowerCase();
  const app = await openCliContext(environment, { readModels: false });
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    let cursor = HISTORY_START;
    let printed = 0;
    for (;;) {
      const page = await readKeyHistoryPage(store, keyId, PAGE, cursor);
      for (const event of page.events) process.stdout.write(`${JSON.stringify(presentHistoryEvent(event))}\n`);
      printed += page.events.length;
      if (!page.next) break;
      cursor = page.next;
    }
    if (printed === 0) throw new KeyNotFound(keyId);
  } finally {
    await app.close();
  }
}
