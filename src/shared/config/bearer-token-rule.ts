import { Matches } from 'class-validator';

/** RFC 6750's b64token (RFC 7235's token68): all an `Authorization: Bearer` header can carry as its token. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * A setting presented by callers as a Bearer token: a value with a space, a quote or a letter outside ASCII could
 * be configured but never sent (the header's token ends at the first space), so every request would be refused.
 * One that only begins or ends with a space or a line break is told so: most often a Kubernetes secret made from a
 * file (`kubectl create secret --from-file`) kept the file's last line break, which no character rule would point to.
 */
export function IsBearerToken(setting: string): PropertyDecorator {
  return Matches(TOKEN68, {
    message: ({ value }) =>
      typeof value === 'string' && /^\s|\s$/.test(value) && TOKEN68.test(value.trim())
        ? `${setting} must not begin or end with a space or a line break (read from a file? ${setting}_FILE drops the line break that ends it)`
        : `${setting} must be usable as a Bearer token: letters, digits and - . _ ~ + / only, and = only at the end (RFC 6750)`,
  });
}
