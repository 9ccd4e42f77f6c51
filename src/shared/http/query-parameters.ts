import { InvalidRequest } from '../application/errors.js';
import { unknownField } from './unknown-field.js';

/**
 * The rule of every /v1 route: a query parameter the route does not declare is refused with 400, as an unknown
 * body field is, and nothing is done (no key created, changed or revoked, no use recorded). A route that declares
 * parameters refuses the others where it reads its query (its DTO, or its own parser); a route that declares none
 * refuses any, here. Before 2026-12-06 those routes ignored them: `POST /v1/api-keys?foo=1` created a key.
 */
export function refuseQueryParameters(query: Readonly<Record<string, unknown>>): void {
  const names = Object.keys(query);
  if (names.length > 0) throw new InvalidRequest(names.map((name) => unknownField(name)).join('; '));
}
