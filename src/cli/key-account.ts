import { KeyNotFound } from '../keys/domain/api-key-errors.js';
import { apiKeyStreamId } from '../keys/domain/api-key-events.js';
import type { KeyChangeRequest } from '../keys/commands/key-change.js';
import type { EventStore } from '../shared/event-store/event-store.port.js';

/**
 * The account a command about one key acts in. With --account, that one: a key of another account is then
 * not found, as in the API. Without it, the key's own account from its first event: the operator may act in any.
 */
export async function accountForKey(store: EventStore, keyId: string, account: string | undefined): Promise<string> {
  if (account !== undefined) return account;
  const [created] = await store.readStream(apiKeyStreamId(keyId), { maxCount: 1 });
  if (!created) throw new KeyNotFound(keyId);
  return String(created.data.accountId);
}

/**
 * A change the operator asks for, in the account accountForKey says; with --if-match, only if the key is still
 * at that revision (the ETag arguments.ts's revision made of it; `*`: any), else the change is refused (exit 1) and nothing changes.
 */
export async function operatorChangeRequest(store: EventStore, keyId: string, options: { account?: string; ifMatch?: string }): Promise<KeyChangeRequest> {
  const { ifMatch } = options;
  return {
    keyId,
    accountId: await accountForKey(store, keyId, options.account),
    actor: null,
    requestId: null,
    ifMatch: ifMatch ?? null,
  };
}
