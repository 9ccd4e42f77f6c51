/**
 * The dashboard's screens, addressed by the URL fragment so the server serves one page. The keys screen keeps its
 * status filter there too, as a query (`#/keys?status=revoked`): a reload or a shared link shows the same keys.
 */
export type Route = { view: 'keys'; status: string | null } | { view: 'key'; id: string } | { view: 'alerts' };

const KEY_ROUTE = /^#\/keys\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const KEYS_QUERY = /^#\/keys\?(.*)$/;

export function currentRoute(hash = location.hash): Route {
  const key = KEY_ROUTE.exec(hash);
  if (key) return { view: 'key', id: key[1] };
  if (hash === '#/alerts') return { view: 'alerts' };
  const query = KEYS_QUERY.exec(hash);
  return { view: 'keys', status: query ? new URLSearchParams(query[1]).get('status') : null };
}

export const links = {
  keys: '#/keys',
  /** The keys screen listing one status, or all of them (undefined). */
  keysOf: (status: string | undefined) => (status === undefined ? '#/keys' : `#/keys?${new URLSearchParams({ status })}`),
  alerts: '#/alerts',
  key: (id: string) => `#/keys/${id}`,
};
