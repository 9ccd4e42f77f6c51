import type { IncomingMessage } from 'node:http';

/**
 * The request's Authorization field as the routes read it. Node keeps only the first of several Authorization
 * fields (RFC 9110 defines one, not a list), so `Authorization: Bearer <B>` sent after `Authorization: Bearer <A>`
 * was silently ignored: the request acted as whichever came first, while a proxy or log in front may read the
 * last. Several that differ are joined as a list would be (`Bearer A, Bearer B`), which no credential check takes;
 * the same field repeated is that field.
 */
export function authorizationField(req: IncomingMessage): string | undefined {
  const fields = req.headersDistinct.authorization;
  if (fields === undefined || fields.length < 2) return req.headers.authorization;
  return fields.every((field) => field === fields[0]) ? fields[0] : fields.join(', ');
}
