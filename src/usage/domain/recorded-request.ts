import { canonicalAddress } from '../../shared/domain/client-address.js';
import { redactRequestTarget, redactSecrets } from '../../shared/domain/secret-redaction.js';

/** What a use or a failed authentication records about the request, all of it supplied by the client or its gateway. */
export interface RequestDetails {
  ip: string | null;
  userAgent: string | null;
  method: string | null;
  path: string | null;
}

const MAX_TEXT = 512;

/**
 * The details as KeyUsed and AuthenticationFailed record them: the address canonical, keys redacted (and the path's query values,
 * src/shared/domain/secret-redaction.ts), then bounded so one request cannot bloat the log. Redacting first
 * means a cut can never leave part of a key behind. Events are immutable: this is the last chance.
 */
export function recordedRequestDetails(details: RequestDetails): RequestDetails {
  return {
    // One client, one address however it wrote it (IPv4-mapped as IPv4, IPv6 in RFC 5952 form), as the guard counts it.
    ip: recordedText(details.ip === null ? null : canonicalAddress(details.ip), redactSecrets),
    userAgent: recordedText(details.userAgent, redactSecrets),
    method: recordedText(details.method, redactSecrets),
    path: recordedText(details.path, redactRequestTarget),
  };
}

function recordedText(value: string | null, redact: (text: string) => string): string | null {
  if (value === null || value === '') return null;
  const redacted = redact(value);
  return redacted.length > MAX_TEXT ? redacted.slice(0, MAX_TEXT) : redacted;
}
