import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature of an alert webhook request. */
export const WEBHOOK_SIGNATURE_HEADER = 'ParseSphere-Signature';

/** How far a signature's timestamp may be from the receiver's clock, either way, by default. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^\d{1,12}$/;

/** Hex HMAC-SHA256 of `"<t>.<raw body>"`: what `v1` carries. */
export function computeWebhookSignature(rawBody: string | Buffer, secret: string, timestampSeconds: number): string {
  return createHmac('sha256', secret)
    .update(`${timestampSeconds}.`)
    .update(rawBody)
    .digest('hex');
}

/**
 * The `ParseSphere-Signature` header value for a body sent at `timestampSeconds` (unix seconds):
 * `t=<timestamp>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the secret>` (the Stripe scheme), one `v1` per
 * secret in the order given: during a rotation the new secret and the old one, so a receiver holding either accepts.
 */
export function signWebhookPayload(rawBody: string | Buffer, secrets: string | readonly string[], timestampSeconds: number): string {
  const t = Math.floor(timestampSeconds);
  const signatures = (typeof secrets === 'string' ? [secrets] : secrets).map((secret) => `v1=${computeWebhookSignature(rawBody, secret, t)}`);
  return [`t=${t}`, ...signatures].join(',');
}

/** The parts of a signature header, or null when it is not `t=<digits>` with at least one well-formed `v1`. */
export function parseWebhookSignatureHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0) return null;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') {
      if (timestamp !== null || !UNIX_SECONDS.test(value)) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!HEX_SHA256.test(value)) return null;
      signatures.push(value.toLowerCase());
    }
    // Other schemes (v0, a future v2) are ignored, as Stripe's receivers do.
  }
  if (timestamp === null || signatures.length === 0) return null;
  return { timestamp, signatures };
}

/**
 * For receivers: true only when `header` is well formed, its timestamp is within `toleranceSeconds`
 * of `nowSeconds` (either way, so replays of old requests are refused) and one of its `v1` values is
 * the HMAC of this exact raw body (verify the bytes received, before any JSON parsing). The comparison
 * is constant-time. Several `v1` values are accepted: during a rotation (ALERT_WEBHOOK_SECRET_PREVIOUS) the service
 * signs with the new secret and the old one, so a receiver holding either passes.
 */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  header: string | null | undefined,
  secret: string,
  nowSeconds: number,
  toleranceSeconds: number = DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (typeof header !== 'string' || secret.length === 0) return false;
  const parsed = parseWebhookSignatureHeader(header);
  if (!parsed) return false;
  if (!Number.isFinite(nowSeconds) || Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(computeWebhookSignature(rawBody, secret, parsed.timestamp), 'hex');
  let valid = false;
  for (const candidate of parsed.signatures) {
    // Every candidate is compared (no early exit) and all have the same length (checked by the parser).
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) valid = true;
  }
  return valid;
}
