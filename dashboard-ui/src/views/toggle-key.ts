import type { ApiKey } from '../api/api-types.js';
import { confirmDialog } from '../ui/confirm-dialog.js';
import { keyLabel } from '../ui/format.js';
import { isSessionKey } from './revoke-key.js';
import type { ViewContext } from './view-context.js';

/**
 * Disables or enables the key; disabling the tab's own key asks first, then signs out, since every request with it
 * is refused from then on. Resolves to whether the key changed on this screen; a refusal is thrown to the caller.
 */
export async function toggleKey(ctx: ViewContext, key: ApiKey, opener: HTMLElement): Promise<boolean> {
  const ownDisabled = !key.disabled && isSessionKey(ctx, key);
  if (ownDisabled) {
    const confirmed = await confirmDialog(
      {
        title: `Disable ${keyLabel(key)}?`,
        paragraphs: ['Every request made with this key will be refused with 401 until it is enabled again.'],
        warning: 'This is the key you are signed in with: you will be signed out, and need another key to sign in and enable it again.',
        confirmLabel: 'Disable key',
      },
      opener,
    );
    if (!confirmed) return false;
  }
  if (key.disabled) {
    await ctx.api.enableKey(key.id);
    ctx.status.say(`Enabled ${keyLabel(key)}.`);
    return true;
  }
  await ctx.api.disableKey(key.id);
  if (ownDisabled) {
    ctx.signOut(
      `You disabled ${keyLabel(key)}, the key this tab was signed in with, so you have been signed out. Sign in with another key to enable it again.`,
    );
    return false;
  }
  ctx.status.say(`Disabled ${keyLabel(key)}: requests made with it are refused until you enable it.`);
  return true;
}
