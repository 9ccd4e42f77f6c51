import { WEBHOOK_SCHEMA_VERSION } from './alert-payload.js';

/** The type of the event `webhook-send --test` sends: no alert, only a check that the receiver takes signed requests. */
export const WEBHOOK_TEST_EVENT_TYPE = 'webhook.test';

/** The body of a test event: an alert's envelope (id, type, schema_version, created_at) with no data. */
export interface WebhookTestPayload {
  /** 32 hex digits as an alert id, but a new one each time: never one of an alert. */
  id: string;
  type: typeof WEBHOOK_TEST_EVENT_TYPE;
  schema_version: number;
  created_at: string;
  data: Record<string, never>;
}

export function webhookTestPayload(id: string, at: Date): WebhookTestPayload {
  return { id, type: WEBHOOK_TEST_EVENT_TYPE, schema_version: WEBHOOK_SCHEMA_VERSION, created_at: at.toISOString(), data: {} };
}
