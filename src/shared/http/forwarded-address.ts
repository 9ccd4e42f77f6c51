import { isIP } from 'node:net';
import { redactSecrets } from '../domain/secret-redaction.js';

/** Longer than any address's text form (an IPv6 address with a zone): what a non-address keeps. */
const MAX_LENGTH = 64;

/**
 * The client address that X-Forwarded-For gave through a trusted proxy, as this service may use it (log it, key
 * the failed-auth guard by it, record it). proxy-addr returns whatever text stands in the header, so a client
 * that reaches a trusted hop with its own header can put anything there, a key included: an address stays as it
 * is; any other text is kept, redacted and cut, so it still says what was sent.
 */
export function forwardedAddress(address: string): string {
  if (isIP(address) !== 0) return address;
  const redacted = redactSecrets(address);
  return redacted.length > MAX_LENGTH ? redacted.slice(0, MAX_LENGTH) : redacted;
}
