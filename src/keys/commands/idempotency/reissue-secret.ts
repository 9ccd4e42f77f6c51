import { Logger } from '@nestjs/common';
import type { EventStore } from '../../../shared/event-store/event-store.port.js';
import type { Clock } from '../../../shared/runtime/clock.js';
import type { Actor } from '../../domain/api-key-decider.js';
import { KeyNotChangeable } from '../../domain/api-key-errors.js';
import { displayPrefix, generateApiKey, hashApiKey } from '../../domain/api-key-secret.js';
import { RepeatedKeyEnded } from '../../domain/idempotency-errors.js';
import { decideOnKey, type KeyDecision } from '../decide-on-key.js';

const IDEMPOTENT_RETRY = 'idempotent_retry';

/** A new secret for a key that a repeated request made, and the key as it leaves it. */
export interface ReissuedSecret {
  /** The plaintext key: in this answer only, stored nowhere. */
  key: string;
  decision: KeyDecision;
}

/**
 * Gives the key a repeated Idempotency-Key names a new secret (KeySecretReissued, reason idempotent_retry), the one
 * answered before stopping at once: the service keeps no secret to answer again, and the first answer may have been
 * lost. A key revoked, expired or rolled since is not given one (RepeatedKeyEnded, 409 naming it).
 */
export async function reissueSecret(
  store: EventStore,
  clock: Clock,
  request: { keyId: string; accountId: string; actor: Actor | null; requestId: string | null },
): Promise<ReissuedSecret> {
  const { keyId, accountId, actor, requestId } = request;
  const key = generateApiKey();
  const prefix = displayPrefix(key);
  try {
    const decision = await decideOnKey(
      store,
      keyId,
      () => ({ type: 'ReissueKeySecret', keyId, accountId, actor, now: new Date(clock.now()).toISOString(), prefix, secretHash: hashApiKey(key), reason: IDEMPOTENT_RETRY }),
      { requestId },
    );
    // Never the key: its id, account and new display prefix identify it in the log.
    new Logger('Keys').log({ msg: 'key secret reissued', keyId, accountId, prefix, reason: IDEMPOTENT_RETRY, requestId: requestId ?? undefined, actingKeyId: actor?.keyId });
    return { key, decision };
  } catch (error) {
    if (error instanceof KeyNotChangeable) throw new RepeatedKeyEnded(keyId, error.why);
    throw error;
  }
}
