import type { ApiClient } from '../api/api-client.js';
import type { StatusRegion } from '../ui/status-region.js';

/** What a screen gets from the app while it is shown. */
export interface ViewContext {
  /** Calls made with the signed-in key; replaced by switchKey. */
  api: ApiClient;
  /** The key this tab is signed in with. */
  sessionKey: string;
  /** False when that key is known to lack keys:write: then no control that changes a key is shown, all would be refused. */
  canWrite: boolean;
  /**
   * What that key may do may have changed (a 403, an edit of the key itself): keeps `known` (the key as just changed), or
   * reads it again (GET /v1/whoami). When that changes canWrite, the screen is drawn again and the status says why.
   */
  permissionsMayHaveChanged(known?: readonly string[]): void;
  status: StatusRegion;
  /** Says what went wrong in the status region and returns the same words; a rejected key ends the session. */
  fail(error: unknown): string;
  /** Ends the session and shows the sign-in screen with this message. */
  signOut(message: string): void;
  /** Signs the tab in with `key` instead, this screen included: the successor of a roll of the tab's own key. */
  switchKey(key: string): void;
}
