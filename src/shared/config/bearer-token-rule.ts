import { Matches } from 'class-validator';

/** RFC 6750's b64token (RFC 7235's token68): all an `Authorization: Bearer` header can carry as its token. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * A setting presented by callers as a Bearer token: a value with a space, a quote or a letter outside ASCII could
 * be configured but never sent (the header's token ends at the first space), so every request would be refused.
 */
export function IsBearerToken(setting: string): PropertyDecorator {
  return Matches(TOKEN68, {
    message: `${setting} must be usable as a Bearer token: letters, digits and - . _ ~ + / only, and = only at the end (RFC 6750)`,
  });
}
