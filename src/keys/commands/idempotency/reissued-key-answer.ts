import type { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { ProjectionProgress } from '../../../shared/projections/projection-progress.js';
import type { CreatedApiKeyResponse } from '../../presentation/api-key.response.js';
import { presentChangedKey } from '../../presentation/key-after-change.js';
import type { ApiKeyView } from '../../projection/api-key-view.js';
import { markReplayed } from './idempotency-key-header.js';

/**
 * A repeat's 201, for a creation or a roll's successor: sent once this instance refuses the secret the new one
 * replaced (as a revocation is answered once in force), the key as it is now with its new secret, marked replayed.
 */
export async function reissuedKeyAnswer(
  projections: ProjectionProgress,
  queryBus: QueryBus,
  res: Response,
  reissue: { keyId: string; position: number; view: ApiKeyView; key: string; now: Date },
): Promise<CreatedApiKeyResponse> {
  const { keyId, position, view, key, now } = reissue;
  await projections.inForce(position);
  markReplayed(res);
  return { ...(await presentChangedKey(projections, queryBus, res, { keyId, position, view, now })), key };
}
