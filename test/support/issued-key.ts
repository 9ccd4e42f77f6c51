import { NO_ACCOUNT_KEY_CAP } from '../../src/keys/commands/account-key-cap.js';
import { KeyIssuer } from '../../src/keys/commands/create-api-key/create-api-key.handler.js';
import { Environment } from '../../src/shared/config/environment.js';
import type { EventStore } from '../../src/shared/event-store/event-store.port.js';
import { systemClock } from '../../src/shared/runtime/clock.js';

/** A key of the account issued straight into the store, as the operator CLI issues one (bound by no key limit): its id. */
export async function issueKey(store: EventStore, accountId = 'acme'): Promise<string> {
  const issued = await new KeyIssuer(store, new Environment(), systemClock, NO_ACCOUNT_KEY_CAP).issue({
    accountId,
    name: 'issued',
    rateLimit: null,
    actor: null,
    requestId: null,
    permissions: null,
    allowedIps: null,
    expiresAt: null,
    rolledFromKeyId: null,
  });
  return issued.keyId;
}
