import type { Response } from 'express';
import type { QueryBus } from '@nestjs/cqrs';
import { ServiceUnavailable } from '../../shared/application/errors.js';
import type { ProjectionProgress } from '../../shared/projections/projection-progress.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';
import { API_KEY_EVENT_TYPES } from '../domain/api-key-events.js';
import { GetApiKeyQuery } from '../queries/get-api-key/get-api-key.query.js';
import { GetKeyUsageSummaryQuery } from '../queries/get-api-key/get-key-usage-summary.query.js';
import type { ApiKeyView } from '../projection/api-key-view.js';
import type { ApiKeyResponse } from './api-key.response.js';
import { presentApiKey } from './present-api-key.js';

/** Set when the answer comes from the log because the key views have not caught up (the change is in force). */
export const READ_MODELS_HEADER = 'ParseSphere-Read-Models';

/**
 * The key after a change at `position`, as the change left it (`view`, folded from its stream by the command),
 * with its usage: answered once the change is in force on this instance (its key table has it) and the key views
 * have caught up, so that a read after the answer sees the change; when they lag, with its usage as the log has
 * it and `ParseSphere-Read-Models: catching-up` (the change is recorded and in force, so it is no 503). Sets the
 * ETag to the key's revision.
 */
export async function keyAfterChange(
  projections: ProjectionProgress,
  queryBus: QueryBus,
  res: Response,
  change: { accountId: string; keyId: string; position: number; revision: number; view: ApiKeyView; now: Date },
): Promise<ApiKeyResponse> {
  const { accountId, keyId, position, view, now } = change;
  await projections.inForce(position);
  res.setHeader('ETag', `"${change.revision}"`);
  try {
    await projections.caughtUpTo(position, API_KEY_EVENT_TYPES);
    return presentApiKey(view, await queryBus.execute(new GetKeyUsageSummaryQuery(keyId)), now);
  } catch (error) {
    if (!(error instanceof ServiceUnavailable || error instanceof StoreUnavailableError)) throw error;
    const fromLog = await queryBus.execute(new GetApiKeyQuery(accountId, keyId, new Date(8.64e15)));
    res.setHeader(READ_MODELS_HEADER, 'catching-up');
    return presentApiKey(view, fromLog.usage, now);
  }
}
