import type { ProjectionDeclaration } from '../shared/projections/projection-declaration.js';
import { viewProjectionDeclaration } from '../shared/projections/view-projection-declaration.js';
import { keyUsageProjection } from './projection/key-usage-projection.js';
import type { UsageStorage } from './usage.storage.js';

/** The usage views; they follow every use of every key, so they run on the projection thread. */
export const usageProjections: readonly ProjectionDeclaration<UsageStorage>[] = [
  viewProjectionDeclaration(keyUsageProjection, { runsOn: 'projection-thread' }, (storage: UsageStorage) => storage.keyUsageReadModel()),
];
