/** The dashboard's screens, addressed by the URL fragment so the server serves one page. */
export type Route = { view: 'keys' } | { view: 'key'; id: string } | { view: 'alerts' };

const KEY_ROUTE = /^#\/keys\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function currentRoute(hash = location.hash): Route {
  const key = KEY_ROUTE.exec(hash);
  if (key) return { view: 'key', id: key[1] };
  if (hash === '#/alerts') return { view: 'alerts' };
  return { view: 'keys' };
}

export const links = {
  keys: '#/keys',
  alerts: '#/alerts',
  key: (id: string) => `#/keys/${id}`,
};
