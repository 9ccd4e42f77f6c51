import { CqrsModule, QueryBus } from '@nestjs/cqrs';
import type { ApiKeyEventType } from '../keys/domain/api-key-events.js';
import { KeysQueriesModule } from '../keys/keys-cli.module.js';
import { auditLogProjection } from '../keys/projection/audit-log-projection.js';
import { presentAccountEvent } from '../keys/queries/list-account-events/account-event.presenter.js';
import type { AccountEventListResponse, AccountEventResponse } from '../keys/queries/list-account-events/list-account-events.dto.js';
import { ListAccountEventsQuery } from '../keys/queries/list-account-events/list-account-events.query.js';
import type { Environment } from '../shared/config/environment.js';
import { catchUpReadModels } from './catch-up-read-models.js';
import { openCliContext } from './cli-context.js';
import { note, outputFormat, print, printJson } from './output.js';
import { cell, renderTable } from './table.js';

export interface EventsOptions {
  account: string;
  limit: number;
  startingAfter?: string;
  type?: ApiKeyEventType;
  keyId?: string;
  actorKeyId?: string;
  createdGte?: Date;
  createdLt?: Date;
  all?: boolean;
  json?: boolean;
  table?: boolean;
}

/**
 * An account's audit log, newest first, through the same query handler and presentation as GET /v1/events, paged the
 * same way (--limit, --starting-after); --all follows every page. The read models are first brought up to the end
 * of the log, as for list.
 */
export async function events(options: EventsOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: true }, [CqrsModule.forRoot(), KeysQueriesModule]);
  try {
    await catchUpReadModels(app, environment, [auditLogProjection.name]);
    const queries = app.get(QueryBus);
    const filter = {
      limit: options.limit,
      type: options.type,
      keyId: options.keyId,
      actorKeyId: options.actorKeyId,
      occurredGte: options.createdGte?.toISOString(),
      occurredLt: options.createdLt?.toISOString(),
    };
    const listed: AccountEventListResponse = { data: [], has_more: false };
    let after = options.startingAfter;
    do {
      const page = await queries.execute(new ListAccountEventsQuery(options.account, filter, after));
      listed.data.push(...page.views.map(presentAccountEvent));
      listed.has_more = page.hasMore;
      after = listed.data.at(-1)?.id;
    } while (options.all && listed.has_more);

    if (outputFormat(options) === 'json') return printJson(listed);
    print(renderTable(['OCCURRED', 'TYPE', 'KEY', 'ACTOR', 'REQUEST', 'EVENT ID'], listed.data.map(row)));
    if (listed.has_more) note(`More events: add --starting-after ${after} (or --all).`);
    if (listed.data.length === 0 && options.startingAfter === undefined) note(`No events of account ${options.account} match: if you expected some, check --account.`);
  } finally {
    await app.close();
  }
}

const actorCell = ({ actor }: AccountEventResponse): string => (actor.type === 'api_key' ? `key ${actor.key_id}` : actor.type === 'system' ? `system (${actor.reason})` : 'operator');

const row = (event: AccountEventResponse): string[] => [event.occurred_at, event.type, event.key_id, actorCell(event), cell(event.request_id), event.id];
