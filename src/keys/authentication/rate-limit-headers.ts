import type { OutgoingMessage } from 'node:http';
import type { RateDecision } from '../../shared/rate-limit/gcra.js';

/** The IETF RateLimit header fields, on every answer once the key's limit is consulted; Retry-After when refused. */
export function setRateLimitHeaders(res: OutgoingMessage, rate: RateDecision): void {
  res.setHeader('RateLimit-Limit', String(rate.limit));
  res.setHeader('RateLimit-Remaining', String(rate.remaining));
  res.setHeader('RateLimit-Reset', String(rate.resetSeconds));
  if (!rate.allowed) res.setHeader('Retry-After', String(rate.retryAfterSeconds));
}
