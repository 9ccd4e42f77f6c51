import type { ApiKey } from '../api/api-types.js';
import { confirmDialog } from '../ui/confirm-dialog.js';
import { keyLabel } from '../ui/format.js';
import type { ViewContext } from './view-context.js';

/** Whether this tab is signed in with `key`: the list shows prefixes only, and a prefix is the key's first characters. */
export const isSessionKey = (ctx: ViewContext, key: Pick<ApiKey, 'prefix'>): boolean => ctx.sessionKey.startsWith(key.prefix);

/** Asks, naming the key, then revokes it. Resolves to the revoked key, or null when nothing changed on this screen. */
export async function revokeKey(ctx: ViewContext, key: ApiKey, opener: HTMLElement): Promise<ApiKey | null> {
  const own = isSessionKey(ctx, key);
  const confirmed = await confirmDialog(
    {
      title: `Revoke ${keyLabel(key)}?`,
      paragraphs: [
        'Every request made with this key will be refused with 401 from the moment you confirm.',
        'Revoking cannot be undone.',
      ],
      warning: own ? 'This is the key you are signed in with: you will be signed out and need another key to sign in again.' : undefined,
      confirmLabel: 'Revoke key',
    },
    opener,
  );
  if (!confirmed) return null;
  try {
    const revoked = await ctx.api.revokeKey(key.id);
    if (own) {
      ctx.signOut(`You revoked ${keyLabel(key)}, the key this tab was signed in with, so you have been signed out.`);
      return null;
    }
    ctx.status.say(`Revoked ${keyLabel(revoked)}: requests made with it are now refused.`);
    return revoked;
  } catch (error) {
    ctx.fail(error);
    return null;
  }
}
