import type { Response } from 'express';
import type { QueryBus } from '@nestjs/cqrs';
import { ServiceUnavailable } from '../../shared/application/errors.js';
import type { ProjectionProgress } from '../../shared/projections/projection-progress.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';
import { API_KEY_EVENT_TYPES } from '../domain/api-key-events.js';
import { GetKeyUsageSummaryQuery } from '../queries/get-api-key/get-key-usage-summary.query.js';
import type { ApiKeyView } from '../projection/api-key-view.js';
import type { ApiKeyResponse } from './api-key.response.js';
import { presentApiKey } from './present-api-key.js';
import { etagOf } from '../commands/if-match.js';

/** Set when the answer comes from the log because the key views have not caught up (the change is in force). */
export const READ_MODELS_HEADER = 'ParseSphere-Read-Models';

/** The header as the OpenAPI document declares it, on every answer that may carry it. */
export const READ_MODELS_CATCHING_UP_HEADER = {
  [READ_MODELS_HEADER]: {
    description:
      "`catching-up` when the key's usage in this answer was read from the event log, the read-model store being unreadable or behind " +
      '(a change answered so is recorded and in force all the same). Absent otherwise.',
    required: false,
    schema: { type: 'string', enum: ['catching-up'] },
  },
};

/**
 * The key after a change at `position`, answered once the change is in force on this instance (its key table has
 * it), with the ETag of the key's new revision: see presentChangedKey.
 */
export async function keyAfterChange(
  projections: ProjectionProgress,
  queryBus: QueryBus,
  res: Response,
  change: ChangedKey & { revision: number },
): Promise<ApiKeyResponse> {
  await projections.inForce(change.position);
  res.setHeader('ETag', etagOf(change.revision));
  return presentChangedKey(projections, queryBus, res, change);
}

/** A key as a change at `position` left it: `view`, folded from its stream by the command. */
export interface ChangedKey {
  keyId: string;
  position: number;
  view: ApiKeyView;
  now: Date;
}

/**
 * The changed key with its usage, once every read model of key events (the key table) has the change, so that a
 * read after the answer sees it; when that times out or the key's usage cannot be read, with its usage as the
 * log has it and `ParseSphere-Read-Models: catching-up`: the change is recorded and in force, so it is no 503.
 */
export async function presentChangedKey(projections: ProjectionProgress, queryBus: QueryBus, res: Response, change: ChangedKey): Promise<ApiKeyResponse> {
  const { keyId, position, view, now } = change;
  try {
    await projections.caughtUpTo(position, API_KEY_EVENT_TYPES);
    return presentApiKey(view, await queryBus.execute(new GetKeyUsageSummaryQuery(keyId)), now);
  } catch (error) {
    if (!(error instanceof ServiceUnavailable || error instanceof StoreUnavailableError)) throw error;
    const usage = await queryBus.execute(new GetKeyUsageSummaryQuery(keyId, 'log'));
    res.setHeader(READ_MODELS_HEADER, 'catching-up');
    return presentApiKey(view, usage, now);
  }
}
