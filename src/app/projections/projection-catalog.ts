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
