import { randomBytes } from 'node:crypto';
import { toWebhookPayload } from '../anomalies/delivery/alert-payload.js';
import { isWebhookTimeout, WEBHOOK_TIMEOUT_MS, signingSecrets, webhookHeaders, webhookNetworkError } from '../anomalies/delivery/webhook-request.js';
import { webhookTestPayload } from '../anomalies/delivery/webhook-test-payload.js';
import { ALERT_ARCHIVED } from '../anomalies/domain/alert-archived.js';
import { ANOMALY_DETECTED, anomalyStreamId } from '../anomalies/domain/anomaly.js';
import { alertWebhookUrlIsCleartext, CLEARTEXT_WEBHOOK_WARNING } from '../shared/config/alert-webhook-url.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { openCliContext } from './cli-context.js';
import { print } from './output.js';

export interface WebhookSendOptions {
  test?: boolean;
}

/**
 * Sends one alert of the log again to ALERT_WEBHOOK_URL (a receiver that lost it asks for it; one that has it dedupes
 * on its id), or with --test an event of type webhook.test, signed with ALERT_WEBHOOK_SECRET (and ALERT_WEBHOOK_SECRET_PREVIOUS) as the service signs.
 * One attempt, no retry; the service's own delivery and its position are not touched. Exit 1 unless the answer is 2xx.
 */
export async function webhookSend(alertId: string | undefined, options: WebhookSendOptions, environment: Environment): Promise<void> {
  const { ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: secret, ALERT_WEBHOOK_SECRET_PREVIOUS: previous } = environment;
  if (!url || !secret) throw new Error('ALERT_WEBHOOK_URL is not set: there is no webhook to send to (set it and ALERT_WEBHOOK_SECRET as the service has them)');
  // Neither or both, and a malformed id, are usage errors told by program.ts before this runs.
  const { id, body, what } = options.test === true ? testEvent() : await alertEvent(alertId as string, environment);
  // Said before it goes, as the service says it at start: the body crosses the network as the service's alerts do.
  if (alertWebhookUrlIsCleartext(url)) process.stderr.write(`warning: ${CLEARTEXT_WEBHOOK_WARNING}\n`);
  const started = Date.now();
  const answer = await post(url, id, body, signingSecrets(secret, previous));
  const took = `${Date.now() - started} ms`;
  // Never the URL (it may carry a token) nor the secret: the receiver's answer is its status or the error's code.
  if (answer.status === null) throw new Error(`${what} not delivered: ${answer.why} after ${took}`);
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${what} not delivered: the receiver answered HTTP ${answer.status} after ${took}`);
  print(`${what} delivered: the receiver answered HTTP ${answer.status} after ${took}.\n`);
}

function testEvent(): { id: string; body: string; what: string } {
  const payload = webhookTestPayload(randomBytes(16).toString('hex'), new Date());
  return { id: payload.id, body: JSON.stringify(payload), what: `Test event ${payload.id}` };
}

async function alertEvent(alertId: string, environment: Environment): Promise<{ id: string; body: string; what: string }> {
  const app = await openCliContext(environment, { readModels: false });
  try {
    const stream = await app.get<EventStore>(EVENT_STORE).readStream(anomalyStreamId(alertId));
    if (stream.some((event) => event.type === ALERT_ARCHIVED)) throw new Error(`Alert ${alertId} was archived by archive-usage: its evidence is no longer in the log`);
    const detected = stream.find((event) => event.type === ANOMALY_DETECTED);
    if (detected === undefined) throw new Error(`No alert ${alertId} in the log`);
    // The same bytes as the service sent: the same event, the same payload, the same JSON.
    return { id: alertId, body: JSON.stringify(toWebhookPayload(detected)), what: `Alert ${alertId}` };
  } finally {
    await app.close();
  }
}

async function post(url: string, id: string, body: string, secrets: readonly string[]): Promise<{ status: number } | { status: null; why: string }> {
  const headers = webhookHeaders(id, body, secrets, Math.floor(Date.now() / 1000));
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
    await response.body?.cancel().catch(() => undefined);
    return { status: response.status };
  } catch (error) {
    return { status: null, why: isWebhookTimeout(error) ? `no answer within ${WEBHOOK_TIMEOUT_MS} ms` : webhookNetworkError(error) };
  }
}
