import { WEBHOOK_SCHEMA_VERSION } from './alert-payload.js';
import { WEBHOOK_SIGNATURE_HEADER, signWebhookPayload } from './webhook-signature.js';

/** Which attempt of the service's delivery a request is, from 1 (a retry: 2, 3, ...). */
export const WEBHOOK_ATTEMPT_HEADER = 'ParseSphere-Webhook-Attempt';

/** The secrets a delivery is signed with: the current one, and during a rotation the one it replaces. */
export function signingSecrets(secret: string, previous: string | undefined): string[] {
  return previous === undefined || previous === secret ? [secret] : [secret, previous];
}

/** How long a receiver has to answer one POST, connection included, before the attempt counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** Whether a POST failed for want of an answer within its time (the signal's TimeoutError). */
export function isWebhookTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/**
 * A POST that failed before any answer, by the error's code or name only: fetch's messages can name the target, whose
 * URL may carry a token, and nothing said of a delivery may carry the secret.
 */
export function webhookNetworkError(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return `network error ${cause.code}`;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return `network error ${code}`;
  return error instanceof Error ? `network error ${error.name}` : 'network error';
}

/**
 * The headers of one POST of `body` to the alert webhook, signed at `timestampSeconds`: the service's deliveries and
 * the CLI's `webhook-send` send the same, so a receiver's check passes on both or on neither.
 */
export function webhookHeaders(
  id: string,
  body: string,
  secrets: readonly string[],
  timestampSeconds: number,
  attempt?: number,
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'Idempotency-Key': id,
    [WEBHOOK_SIGNATURE_HEADER]: signWebhookPayload(body, secrets, timestampSeconds),
    'User-Agent': `ParseSphere-Keys-Webhooks/${WEBHOOK_SCHEMA_VERSION}`,
    // The service's deliveries only: a resend by webhook-send is no attempt of theirs.
    ...(attempt === undefined ? {} : { [WEBHOOK_ATTEMPT_HEADER]: String(attempt) }),
  };
}
