import { KeyNotFound } from '../keys/domain/api-key-errors.js';
import { apiKeyStreamId } from '../keys/domain/api-key-events.js';
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
