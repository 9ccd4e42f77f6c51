import { CqrsModule, QueryBus } from '@nestjs/cqrs';
import type { INestApplicationContext } from '@nestjs/common';
import { KeysQueriesModule } from '../keys/keys-cli.module.js';
import { apiKeyProjection } from '../keys/projection/api-key-projection.js';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../keys/projection/api-key-read-model.port.js';
import type { KeyStatus } from '../keys/projection/api-key-view.js';
import type { ApiKeyListResponse } from '../keys/presentation/api-key.response.js';
import { presentApiKey } from '../keys/presentation/present-api-key.js';
import { allApiKeys } from '../keys/queries/list-api-keys/all-api-keys.js';
import { ListApiKeysQuery } from '../keys/queries/list-api-keys/list-api-keys.query.js';
import type { Environment } from '../shared/config/environment.js';
import { keyUsageProjection } from '../usage/projection/key-usage-projection.js';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../usage/projection/key-usage-read-model.port.js';
import { catchUpReadModels } from './catch-up-read-models.js';
import { openCliContext } from './cli-context.js';
import { KEY_COLUMNS, keyRow } from './key-fields.js';
import { note, outputFormat, print, printJson, printJsonList, stdoutCaughtUp, stdoutReaderGone } from './output.js';
import { renderTable, StreamedTable } from './table.js';

export interface ListOptions {
  account: string;
  limit: number;
  startingAfter?: string;
  namePrefix?: string;
  prefix?: string;
  status?: KeyStatus;
  all?: boolean;
  json?: boolean;
  table?: boolean;
}

/**
 * An account's keys, newest first and redacted, through the same query handler as GET /v1/api-keys and
 * paged the same way (--limit, --starting-after); --all prints every page's keys as the store reads them (allApiKeys).
 * The read models are first brought up to the end of the log: by the running service (waited for), or here when none runs.
 */
export async function list(options: ListOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: true }, [CqrsModule.forRoot(), KeysQueriesModule]);
  try {
    await catchUpReadModels(app, environment, [apiKeyProjection.name, keyUsageProjection.name]);
    const search = { ...(options.namePrefix === undefined ? {} : { namePrefix: options.namePrefix }), ...(options.prefix === undefined ? {} : { prefix: options.prefix }) };
    // The status as of this run, as the API judges it as of the request: a key past its expiry is expired.
    const query = new ListApiKeysQuery(options.account, options.limit, options.startingAfter ?? null, options.status ?? null, new Date(), false, search);
    const listed = options.all ? await printEveryPage(app, query, options) : await printPage(app, query, options);
    if (outputFormat(options) === 'json' || listed > 0 || options.startingAfter !== undefined) return;
    if (Object.keys(search).length > 0 || options.status !== undefined) note(`No key of account ${options.account} matches.`);
    // An account is only the keys that name it: a mistyped --account lists nothing, which a bare header did not say.
    else note(`Account ${options.account} holds no keys: if you expected some, check --account.`);
  } finally {
    await app.close();
  }
}

/** One page, as GET /v1/api-keys answers it; how many keys it listed. */
async function printPage(app: INestApplicationContext, query: ListApiKeysQuery, options: ListOptions): Promise<number> {
  const page = await app.get(QueryBus).execute(query);
  const listed: ApiKeyListResponse = { data: page.keys.map(({ view, usage }) => presentApiKey(view, usage)), has_more: page.hasMore };
  if (outputFormat(options) === 'json') printJson(listed);
  else print(renderTable(KEY_COLUMNS, listed.data.map(keyRow)));
  if (listed.has_more && outputFormat(options) === 'table') note(`More keys: add --starting-after ${listed.data.at(-1)!.id} (or --all).`);
  return listed.data.length;
}

/**
 * Every page's keys in one listing, printed batch by batch as the store reads them: the JSON the pages' `data` concatenated
 * make (has_more false), or one table. Stops reading when stdout's reader has gone (`| head`).
 */
async function printEveryPage(app: INestApplicationContext, query: ListApiKeysQuery, options: ListOptions): Promise<number> {
  const keys = allApiKeys(app.get<ApiKeyReadModel>(API_KEY_READ_MODEL), app.get<KeyUsageReadModel>(KEY_USAGE_READ_MODEL), query);
  const json = outputFormat(options) === 'json' ? printJsonList('data') : null;
  const table = json ? null : new StreamedTable(KEY_COLUMNS);
  let listed = 0;
  for await (const batch of keys) {
    const presented = batch.map(({ view, usage }) => presentApiKey(view, usage));
    if (json) for (const key of presented) json.item(key);
    else print(table!.lines(presented.map(keyRow)));
    listed += presented.length;
    await stdoutCaughtUp();
    if (stdoutReaderGone()) break;
  }
  if (json) json.end({ has_more: false });
  else if (listed === 0) print(table!.lines([]));
  return listed;
}
