import { WEBHOOK_SIGNATURE_HEADER, signWebhookPayload } from './webhook-signature.js';

/** How long a receiver has to answer one POST, connection included, before the attempt counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The headers of one POST of `body` to the alert webhook, signed at `timestampSeconds`: the service's deliveries and
 * the CLI's `webhook-send` send the same, so a receiver's check passes on both or on neither.
 */
export function webhookHeaders(id: string, body: string, secret: string, timestampSeconds: number): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'Idempotency-Key': id,
    [WEBHOOK_SIGNATURE_HEADER]: signWebhookPayload(body, secret, timestampSeconds),
    'User-Agent': 'ParseSphere-Keys-Webhooks/1',
  };
}
