import { CqrsModule, QueryBus } from '@nestjs/cqrs';
import { KeysQueriesModule } from '../keys/keys-cli.module.js';
import type { ApiKeyListResponse } from '../keys/presentation/api-key.response.js';
import { presentApiKey } from '../keys/presentation/present-api-key.js';
import { ListApiKeysQuery } from '../keys/queries/list-api-keys/list-api-keys.query.js';
import type { Environment } from '../shared/config/environment.js';
import { catchUpReadModels } from './catch-up-read-models.js';
import { openCliContext } from './cli-context.js';
import { KEY_COLUMNS, keyRow } from './key-fields.js';
import { note, outputFormat, print, printJson } from './output.js';
import { renderTable } from './table.js';

export interface ListOptions {
  account: string;
  limit: number;
  startingAfter?: string;
  namePrefix?: string;
  prefix?: string;
  all?: boolean;
  json?: boolean;
  table?: boolean;
}

/**
 * An account's keys, newest first and redacted, through the same query handler as GET /v1/api-keys and
 * paged the same way (--limit, --starting-after); --all follows every page. The read models are first brought
 * up to the end of the log: by the running service (waited for), or here when none runs.
 */
export async function list(options: ListOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: true }, [CqrsModule.forRoot(), KeysQueriesModule]);
  try {
    await catchUpReadModels(app, environment);
    const queries = app.get(QueryBus);
    const listed: ApiKeyListResponse = { data: [], has_more: false };
    let after = options.startingAfter ?? null;
    const search = { ...(options.namePrefix === undefined ? {} : { namePrefix: options.namePrefix }), ...(options.prefix === undefined ? {} : { prefix: options.prefix }) };
    do {
      const page = await queries.execute(new ListApiKeysQuery(options.account, options.limit, after, null, new Date(), false, search));
      listed.data.push(...page.keys.map(({ view, usage }) => presentApiKey(view, usage)));
      listed.has_more = page.hasMore;
      after = listed.data.at(-1)?.id ?? null;
    } while (options.all && listed.has_more);

    if (outputFormat(options) === 'json') return printJson(listed);
    print(renderTable(KEY_COLUMNS, listed.data.map(keyRow)));
    if (listed.has_more) note(`More keys: add --starting-after ${after} (or --all).`);
    if (listed.data.length > 0 || options.startingAfter !== undefined) return;
    if (Object.keys(search).length > 0) note(`No key of account ${options.account} matches.`);
    // An account is only the keys that name it: a mistyped --account lists nothing, which a bare header did not say.
    else note(`Account ${options.account} holds no keys: if you expected some, check --account.`);
  } finally {
    await app.close();
  }
}
