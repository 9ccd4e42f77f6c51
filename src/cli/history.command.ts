import { CqrsModule, QueryBus } from '@nestjs/cqrs';
import { KeysCommandsModule } from '../keys/keys-cli.module.js';
import { GetApiKeyHistoryQuery, type KeyHistoryPage } from '../keys/queries/get-api-key-history/get-api-key-history.query.js';
import { HISTORY_START, type KeyHistoryCursor } from '../keys/queries/get-api-key-history/key-history-cursor.js';
import type { KeyHistoryDirection } from '../keys/queries/get-api-key-history/key-history-direction.js';
import type { KeyHistoryOrder } from '../keys/queries/get-api-key-history/key-history-order.js';
import { presentHistoryEvent } from '../keys/queries/get-api-key-history/key-history.presenter.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { openCliContext } from './cli-context.js';
import { accountForKey } from './key-account.js';
import { outputFormat, print, printJsonLine, stdoutCaughtUp, stdoutReaderGone } from './output.js';
import { cell, renderTable } from './table.js';

const PAGE = 100;

export interface HistoryOptions {
  account?: string;
  order: KeyHistoryOrder;
  direction: KeyHistoryDirection;
  json?: boolean;
  table?: boolean;
}

/** A key's whole trail, through the same query handler as GET /v1/api-keys/{id}/events; JSON: one event per line. */
export async function history(keyId: string, options: HistoryOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: false }, [CqrsModule.forRoot(), KeysCommandsModule]);
  try {
    const account = await accountForKey(app.get<EventStore>(EVENT_STORE), keyId, options.account);
    const json = outputFormat(options) === 'json';
    const rows: string[][] = [];
    // Newest first starts from no cursor (the end); oldest first from the start.
    let cursor: KeyHistoryCursor | null = options.direction === 'newest_first' ? null : HISTORY_START;
    for (let first = true; first || cursor; first = false) {
      const query = new GetApiKeyHistoryQuery(account, keyId, PAGE, cursor, options.order, options.direction);
      const page: KeyHistoryPage = await app.get(QueryBus).execute(query);
      for (const event of page.events.map(presentHistoryEvent)) {
        if (json) printJsonLine(event);
        else rows.push([event.time, event.type, String(event.position), `${event.stream}#${event.revision}`, cell(event.acting_key_id), cell(event.request_id)]);
      }
      await stdoutCaughtUp();
      cursor = stdoutReaderGone() ? null : page.next;
    }
    if (!json) print(renderTable(['TIME', 'TYPE', 'LOG POSITION', 'STREAM#REVISION', 'ACTING KEY', 'REQUEST'], rows));
  } finally {
    await app.close();
  }
}
