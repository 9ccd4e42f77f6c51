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
  const withoutPort = addressWithoutPort(address);
  if (withoutPort !== null) return withoutPort;
  const redacted = redactSecrets(address);
  return redacted.length > MAX_LENGTH ? redacted.slice(0, MAX_LENGTH) : redacted;
}

/** IPv4 `a.b.c.d:port` or IPv6 `[…]` with or without `:port`. */
const WITH_PORT = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[([0-9A-Fa-f:.]+)\])(?::\d{1,5})?$/;

/**
 * The address of `203.0.113.7:54321` or `[2001:db8::1]:443`, as some proxies write a client in X-Forwarded-For (Azure
 * Application Gateway adds the client's port): with the port kept, a client's every connection was another "address",
 * so the failed-auth guard never counted two failures together and no restricted key matched. Null for other text.
 */
function addressWithoutPort(text: string): string | null {
  const match = WITH_PORT.exec(text);
  if (match === null) return null;
  const [, ipv4, ipv6] = match;
  if (ipv4 !== undefined) return isIP(ipv4) === 4 ? ipv4 : null;
  return isIP(ipv6) === 6 ? ipv6 : null;
}
