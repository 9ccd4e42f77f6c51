import { InvalidRequest } from '../application/errors.js';
import { unknownField } from './unknown-field.js';

/**
 * The rule of every /v1 route: a query parameter the route does not declare is refused with 400, as an unknown
 * body field is, and nothing is done (no key created, changed or revoked, no use recorded). A route that declares
 * parameters refuses the others where it reads its query (its DTO, or its own parser); a route that declares none
 * refuses any, here. Before 2026-12-06 those routes ignored them: `POST /v1/api-keys?foo=1` created a key.
 */
export function refuseQueryParameters(query: Readonly<Record<string, unknown>>, bodyFields: () => ReadonlySet<string> = () => new Set()): void {
  const names = Object.keys(query);
  if (names.length === 0) return;
  // The route's body fields are looked up only for a refusal: a request without a query string does no reflection.
  const inBody = bodyFields();
  throw new InvalidRequest(names.map((name) => (inBody.has(name) ? inTheBody(name) : unknownField(name))).join('; '));
}

/**
 * A field of the route's body sent in the query string (`POST …/roll?grace_seconds=60`): until 2026-12-06 it was
 * answered "grace_seconds is not a known field", naming the route's own field unknown.
 */
const inTheBody = (name: string) => `${name} is a field of the JSON request body, not of the query string`;
