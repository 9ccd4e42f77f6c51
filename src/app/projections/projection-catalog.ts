import { anomaliesProjections } from '../../anomalies/anomalies.projections.js';
import { keysProjections } from '../../keys/keys.projections.js';
import type { ProjectionDeclaration } from '../../shared/projections/projection-declaration.js';
import { usageProjections } from '../../usage/usage.projections.js';
import type { Storage } from '../storage/storage.js';

/**
 * Every projection of every feature, in the order they start: the one list that the request thread, the
 * projection thread and the CLI's replay build from. A feature declares its own beside its module; a new
 * feature adds its list here.
 */
export const PROJECTIONS: readonly ProjectionDeclaration<Storage>[] = [...keysProjections, ...usageProjections, ...anomaliesProjections];

/**
 * Every event type this version reads: any other, in the streams a projection folds whole (the key streams), was
 * written by a newer version and reaches that projection (readsUnknownTypesIn); these, even there, are never read for it.
 */
export const KNOWN_EVENT_TYPES: readonly string[] = [...new Set(PROJECTIONS.flatMap((declaration) => declaration.eventTypes))];
