import { parseArgs } from 'node:util';
import { toWebhookPayload } from '../anomalies/delivery/alert-payload.js';
import { ANOMALY_DETECTED, ANOMALY_RULES } from '../anomalies/domain/anomaly.js';
import type { Environment } from '../shared/config/environment.js';
import { openCliContext } from './cli-context.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { UsageError } from './usage-error.js';

const PAGE = 1000;

/**
 * Prints every alert in the log, oldest first, one JSON object per line in the webhook's shape. For the
 * operator: it includes the alerts of no account (a burst of failed authentications from an address with
 * unknown keys), which no account's GET /v1/alerts lists.
 */
export async function alerts(args: string[], environment: Environment): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { rule: { type: 'string' }, account: { type: 'string' }, unowned: { type: 'boolean', default: false } },
  });
  if (values.rule !== undefined && !(ANOMALY_RULES as readonly string[]).includes(values.rule)) {
    throw new UsageError(`--rule must be one of ${ANOMALY_RULES.join(', ')}`);
  }
  if (values.unowned && values.account !== undefined) throw new UsageError('--unowned and --account exclude each other');
  const app = await openCliContext(environment, { readModels: false });
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    let after: number | null = null;
    for (;;) {
      const page = await store.readAll({ after, maxCount: PAGE, types: [ANOMALY_DETECTED] });
      for (const event of page) {
        const alert = toWebhookPayload(event);
        if (values.rule !== undefined && alert.data.rule !== values.rule) continue;
        if (values.unowned && alert.data.account_id !== null) continue;
        if (values.account !== undefined && alert.data.account_id !== values.account) continue;
        process.stdout.write(`${JSON.stringify(alert)}\n`);
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1].position;
    }
  } finally {
    await app.close();
  }
}
