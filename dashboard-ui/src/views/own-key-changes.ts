import type { ApiKey, KeyChanges } from '../api/api-types.js';
import { holdsPermission } from '../api/permissions.js';

/**
 * What `changes` to the tab's own key would take from this dashboard, as one warning; null when nothing. Without
 * keys:read every screen is refused; limited to addresses the browser may not be at, every request may be.
 */
export function ownKeyLosses(key: Pick<ApiKey, 'permissions'>, changes: KeyChanges): string | null {
  const losses: string[] = [];
  let locksOut = false;
  const permissions = changes.permissions;
  if (permissions && holdsPermission(key.permissions, 'keys:read') && !holdsPermission(permissions, 'keys:read')) {
    losses.push('it would lose keys:read: this dashboard could no longer read anything with it');
    locksOut = true;
  } else if (permissions && holdsPermission(key.permissions, 'keys:write') && !holdsPermission(permissions, 'keys:write')) {
    losses.push('it would lose keys:write: you could still look, but no longer create or change keys with it');
  }
  if (changes.allowed_ips && changes.allowed_ips.length > 0) {
    losses.push(`it would only be accepted from ${changes.allowed_ips.join(', ')}: if this browser is elsewhere, every request of this dashboard is refused`);
    locksOut = true;
  }
  if (losses.length === 0) return null;
  return `This is the key you are signed in with, and ${losses.join('; and ')}.${locksOut ? ' You would need another key to go on here.' : ''}`;
}
