import { currentRoute, links } from './router.js';
import { holdsWholeKey } from './views/key-search-in-url.js';
import { keyStatusNamed } from './views/key-status-filter.js';

/**
 * A whole key in the page's address (a link pasted or shared with one in its search) leaves it at once, signed in or
 * not, before anything is drawn or asked: the history entry is replaced, so Back never shows it again. The keys
 * screen's status stays. Returns whether one was dropped.
 */
export function dropWholeKeyFromUrl(): boolean {
  const { pathname, search, hash } = location;
  if (!holdsWholeKey(search) && !holdsWholeKey(hash)) return false;
  const route = currentRoute();
  // Only the keys screen's and the audit log's queries can hold one: the key's and the alerts' fragments are exact. The
  // audit log stays, without its filters (until 2026-12-07 there was none; any of its filters may be the one that held it).
  const status = route.view === 'keys' ? keyStatusNamed(route.query.status) : undefined;
  const keptHash = !holdsWholeKey(hash) ? hash : route.view === 'events' ? links.events() : links.keysOf(status);
  history.replaceState(history.state, '', `${pathname}${holdsWholeKey(search) ? '' : search}${keptHash}`);
  return true;
}
