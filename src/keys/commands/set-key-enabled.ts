import { Logger } from '@nestjs/common';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import type { Clock } from '../../shared/runtime/clock.js';
import { decideOnKey } from './decide-on-key.js';
import type { KeyChanged, KeyChangeRequest } from './key-change.js';

const logger = new Logger('Keys');

/** Disables or enables a key: the two differ only in the decider's command and the line logged. */
export async function setKeyEnabled(store: EventStore, clock: Clock, request: KeyChangeRequest, enabled: boolean): Promise<KeyChanged> {
  const { keyId, accountId, actor, requestId, ifMatch } = request;
  const type = enabled ? ('EnableApiKey' as const) : ('DisableApiKey' as const);
  const now = () => new Date(clock.now()).toISOString();
  const decision = await decideOnKey(store, keyId, () => ({ type, keyId, accountId, actor, now: now() }), { requestId, accountId, ifMatch });
  const changed = decision.events.length > 0;
  if (changed) {
    logger.log({ msg: enabled ? 'key enabled' : 'key disabled', keyId, accountId, requestId: requestId ?? undefined, actingKeyId: actor?.keyId ?? undefined });
  }
  return { keyId, position: decision.position, revision: decision.revision, changed, view: decision.view };
}
