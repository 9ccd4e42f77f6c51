import type { IncomingMessage } from 'node:http';

/**
 * The request's Authorization field as the routes read it. Node keeps only the first of several Authorization
 * fields (RFC 9110 defines one, not a list), so `Authorization: Bearer <B>` sent after `Authorization: Bearer <A>`
 * was silently ignored: the request acted as whichever came first, while a proxy or log in front may read the
 * last. Several that differ are joined as a list would be (`Bearer A, Bearer B`), which no credential check takes;
 * the same field repeated is that field.
 */
export function authorizationField(req: IncomingMessage): string | undefined {
  const first = req.headers.authorization;
  if (first === undefined) return undefined;
  // One pass over rawHeaders: node's headersDistinct builds an array for every field, about 1 µs a request on
  // verify's path (measured here), where this loop costs next to nothing.
  const raw = req.rawHeaders;
  let others: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 13 && name.toLowerCase() === 'authorization' && raw[i + 1] !== first) (others ??= []).push(raw[i + 1]);
  }
  return others === undefined ? first : [first, ...others].join(', ');
}
