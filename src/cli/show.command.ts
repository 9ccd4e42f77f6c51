import { CqrsModule, QueryBus } from '@nestjs/cqrs';
import { KeysQueriesModule } from '../keys/keys-cli.module.js';
import { presentApiKeyDetail } from '../keys/presentation/present-api-key.js';
import { GetApiKeyQuery } from '../keys/queries/get-api-key/get-api-key.query.js';
import type { Environment } from '../shared/config/environment.js';
import { apiKeyStreamId, type KeyLeakReported } from '../keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { openCliContext } from './cli-context.js';
import { accountForKey } from './key-account.js';
import { keyDetailRecord } from './key-fields.js';
import { outputFormat, print, printJson } from './output.js';
import { renderRecord } from './table.js';

export interface ShowOptions {
  account?: string;
  asOf?: Date;
  json?: boolean;
  table?: boolean;
}

/**
 * One key with its usage, as GET /v1/api-keys/{id}?as_of= shows it, through the same query handler: replayed
 * from the log as of now (or --as-of), so it is current whether or not a service keeps the read models.
 */
export async function show(keyId: string, options: ShowOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: true }, [CqrsModule.forRoot(), KeysQueriesModule]);
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const account = await accountForKey(store, keyId, options.account);
    const asOf = options.asOf ?? new Date();
    // With a rolled key's uses since the roll, as the API shows them (without, they were shown as 0: 'no client left').
    const { view, usage, sinceRoll } = await app.get(QueryBus).execute(new GetApiKeyQuery(account, keyId, asOf, true));
    const key = presentApiKeyDetail(view, usage, asOf, sinceRoll ?? null);
    const leaks = await leakReportsOf(store, keyId, asOf);
    // The revision is what --if-match takes (the API's ETag), so a change can be made safely from what was shown.
    // leak_report (the first report) is kept as scripts read it before leak_reports (every one) was added.
    if (outputFormat(options) === 'json') {
      const reports = leaks.map(leakReportJson);
      return printJson({ ...key, revision: view.revision, ...(reports.length > 0 ? { leak_report: reports[0], leak_reports: reports } : {}) });
    }
    // A past (or future) view says so: its figures are not today's.
    const when: [string, string][] = options.asOf ? [['as of', asOf.toISOString()]] : [];
    const leaked = leaks.map((leak): [string, string] => ['leak reported', leakReportLine(leak)]);
    print(renderRecord([['account', account], ...when, ['revision', String(view.revision)], ...keyDetailRecord(key), ...leaked]));
  } finally {
    await app.close();
  }
}

/**
 * The key's secret scanning reports (KeyLeakReported, one per place recorded, up to LEAK_PLACES_RECORDED and one per
 * report the policy acted on past them) made by `asOf`, oldest first, read from its stream: the key view holds none.
 */
async function leakReportsOf(store: EventStore, keyId: string, asOf: Date): Promise<KeyLeakReported['data'][]> {
  const events = await store.readStream(apiKeyStreamId(keyId));
  return events
    .filter((event) => event.type === 'KeyLeakReported' && event.schemaVersion === 1)
    .map((event) => event.data as KeyLeakReported['data'])
    .filter((report) => Date.parse(report.reportedAt) <= asOf.getTime());
}

function leakReportJson(report: KeyLeakReported['data']) {
  return { reported_at: report.reportedAt, scanner: report.scanner, token_type: report.tokenType, source_url: report.sourceUrl, source: report.source, action: report.action };
}

function leakReportLine(report: KeyLeakReported['data']): string {
  return `${report.reportedAt} by ${report.scanner}${report.sourceUrl ? ` at ${report.sourceUrl}` : ''} (action: ${report.action})`;
}
