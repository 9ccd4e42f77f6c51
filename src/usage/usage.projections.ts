import type { ProjectionDeclaration } from '../shared/projections/projection-declaration.js';
import { viewProjectionDeclaration } from '../shared/projections/view-projection-declaration.js';
import { keyUsageProjection, keyUsageProjectionWarning } from './projection/key-usage-projection.js';
import { KeyUsageSummaryTable } from './projection/key-usage-summary-table.js';
import { type PackedUsageSummaries, packSummaries } from './projection/key-usage-view.js';
import type { UsageStorage } from './usage.storage.js';

/**
 * The usage views; they follow every use of every key, so they run on the projection thread. Each view they
 * store is sent, as its summary, to the request thread's summary table (UsageModule), which the listing reads.
 * Statistics: a slow read model under verify load makes them trail, and must not make every instance unready.
 * A use this version cannot read (a newer version's schema) is logged, once per type and version, as a warning.
 */
export const usageProjections: readonly ProjectionDeclaration<UsageStorage>[] = [
  viewProjectionDeclaration(
    keyUsageProjection,
    { runsOn: 'projection-thread', role: 'statistics', warning: keyUsageProjectionWarning },
    (storage: UsageStorage) => storage.keyUsageReadModel(),
    {
      of: packSummaries,
      receive: (payload, provided) => provided(KeyUsageSummaryTable).applyPacked(payload as PackedUsageSummaries),
    },
  ),
];
