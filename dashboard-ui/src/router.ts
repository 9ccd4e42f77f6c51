/**
 * The dashboard's screens, addressed by the URL fragment so the server serves one page. The keys screen keeps its
 * status filter and its search there too, as a query (`#/keys?status=revoked&name_prefix=ci`, in any order): a
 * reload or a shared link shows the same keys.
 */
export type Route = { view: 'keys'; query: KeysQuery } | { view: 'key'; id: string } | { view: 'alerts' } | { view: 'events'; query: URLSearchParams };

/** The keys screen's query as the URL holds it, unchecked (the keys screen reads it). */
export type KeysQuery = { status: string | null; name_prefix: string | null; prefix: string | null };

const KEY_ROUTE = /^#\/keys\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const KEYS_QUERY = /^#\/keys\?(.*)$/;
const EVENTS = /^#\/events(?:\?(.*))?$/;

export function currentRoute(hash = location.hash): Route {
  const key = KEY_ROUTE.exec(hash);
  if (key) return { view: 'key', id: key[1] };
  if (hash === '#/alerts') return { view: 'alerts' };
  const events = EVENTS.exec(hash);
  if (events) return { view: 'events', query: new URLSearchParams(events[1] ?? '') };
  const params = new URLSearchParams(KEYS_QUERY.exec(hash)?.[1] ?? '');
  return { view: 'keys', query: { status: params.get('status'), name_prefix: params.get('name_prefix'), prefix: params.get('prefix') } };
}

export const links = {
  keys: '#/keys',
  /** The keys screen listing one status or all of them (undefined), searched or not. */
  keysOf: (status: string | undefined, search?: { prefix: string } | { name_prefix: string }) => {
    const query = new URLSearchParams();
    if (status !== undefined) query.set('status', status);
    if (search && 'prefix' in search) query.set('prefix', search.prefix);
    if (search && 'name_prefix' in search) query.set('name_prefix', search.name_prefix);
    return query.toString() === '' ? '#/keys' : `#/keys?${query}`;
  },
  alerts: '#/alerts',
  /** The account's audit log, filtered by the API's parameters (type, key_id, actor_key_id, created_gte, created_lt). */
  events: (filter: Record<string, string | undefined> = {}) => {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(filter)) if (value !== undefined) query.set(name, value);
    return query.toString() === '' ? '#/events' : `#/events?${query}`;
  },
  key: (id: string) => `#/keys/${id}`,
};
