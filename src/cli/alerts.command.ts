import { type AlertWebhookPayload, toWebhookPayload } from '../anomalies/delivery/alert-payload.js';
import { ALERT_ARCHIVED } from '../anomalies/domain/alert-archived.js';
import { ANOMALY_DETECTED, type AnomalyRule } from '../anomalies/domain/anomaly.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../shared/event-store/event-store.port.js';
import { readsAlertEvent } from '../anomalies/projection/alert-view.js';
import { openCliContext } from './cli-context.js';
import { note, outputFormat, print, printJsonLine, stdoutCaughtUp, stdoutReaderGone } from './output.js';
import { cell, renderTable } from './table.js';

const PAGE = 1000;

export interface AlertsOptions {
  rule?: AnomalyRule;
  account?: string;
  unowned?: boolean;
  json?: boolean;
  table?: boolean;
}

/**
 * Every alert in the log, oldest first, but those archive-usage archived; JSON: one object per line in the webhook's shape. For the operator:
 * it includes the alerts of no account (a burst of failed authentications from an address with unknown
 * keys), which no account's GET /v1/alerts lists.
 */
export async function alerts(options: AlertsOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: false });
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const json = outputFormat(options) === 'json';
    const rows: string[][] = [];
    const wanted = (alert: AlertWebhookPayload) =>
      (options.rule === undefined || alert.data.rule === options.rule) &&
      (!options.unowned || alert.data.account_id === null) &&
      (options.account === undefined || alert.data.account_id === options.account);
    // A newer version's alert (AnomalyDetected 2 or later) is said once per version on stderr and left out: read as
    // if known, one whose fields had moved ended the command at it, so no alert at all was listed.
    const told = new Set<number>();
    const readable = (event: RecordedEvent) => {
      if (readsAlertEvent(event)) return true;
      if (!told.has(event.schemaVersion)) {
        told.add(event.schemaVersion);
        process.stderr.write(
          `warn: ${ANOMALY_DETECTED} (schema version ${event.schemaVersion}) at position ${event.position} was written by a newer version of the service, ` +
            'which this one cannot read: left out, with every later one like it; an upgraded parsesphere-keys lists it\n',
        );
      }
      return false;
    };
    // On EventStoreDB an archived alert is still read from `$all` until the scavenge; its AlertArchived says it went.
    const archived = await archivedAlertStreams(store);
    const retained = (event: RecordedEvent) => !archived.has(event.streamId);
    let after: number | null = null;
    for (;;) {
      const page = await store.readAll({ after, maxCount: PAGE, types: [ANOMALY_DETECTED] });
      for (const alert of page.filter(retained).filter(readable).map(toWebhookPayload).filter(wanted)) {
        if (json) printJsonLine(alert);
        else rows.push([alert.created_at, alert.data.rule, cell(alert.data.account_id), cell(alert.data.key_id), cell(alert.data.ip), alert.id]);
      }
      await stdoutCaughtUp();
      if (page.length < PAGE || stdoutReaderGone()) break;
      after = page[page.length - 1].position;
    }
    if (json) return;
    print(renderTable(['DETECTED', 'RULE', 'ACCOUNT', 'KEY', 'ADDRESS', 'ALERT ID'], rows));
    // As list says of a table of no keys: an account is only what names it, so a mistyped --account (acct01 for
    // acct001, ACME for acme) lists nothing, which a bare header let pass for an account without alerts.
    if (rows.length === 0 && options.account !== undefined) {
      note(`No alerts of account ${options.account}${options.rule === undefined ? '' : ` for rule ${options.rule}`}: if you expected some, check --account.`);
    }
  } finally {
    await app.close();
  }
}

async function archivedAlertStreams(store: EventStore): Promise<Set<string>> {
  const streams = new Set<string>();
  for (let after: number | null = null; ; ) {
    const page = await store.readAll({ after, maxCount: PAGE, types: [ALERT_ARCHIVED] });
    for (const event of page) streams.add(event.streamId);
    if (page.length < PAGE) return streams;
    after = page[page.length - 1].position;
  }
}
