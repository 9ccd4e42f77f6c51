import { Logger, Module } from '@nestjs/common';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';
import { KEY_USAGE_READ_MODEL, KEY_USAGE_SUMMARIES, type KeyUsageReadModel } from './projection/key-usage-read-model.port.js';
import { KeyUsageSummaryTable } from './projection/key-usage-summary-table.js';
import { UsageRecorder } from './recording/usage-recorder.js';
import type { UsageStorage } from './usage.storage.js';

/**
 * Usage: the recorder of every use and failed authentication, the usage views (declared in usage.projections.ts)
 * and the in-memory summary table the listing reads, which those views' projection keeps current.
 */
@Module({
  providers: [
    UsageRecorder,
    { provide: KEY_USAGE_READ_MODEL, useFactory: (storage: UsageStorage) => storage.keyUsageReadModel(), inject: [READ_MODEL_STORAGE] },
    {
      provide: KeyUsageSummaryTable,
      useFactory: (views: KeyUsageReadModel) => {
        const logger = new Logger('KeyUsageSummaries');
        const table = new KeyUsageSummaryTable(views, (error, retryInMs) =>
          logger.warn({ msg: 'usage summaries not loaded yet; the views answer meanwhile', error: String(error), retryInMs }),
        );
        // Loaded while the service starts; until it has finished, the views answer.
        void table.load();
        return table;
      },
      inject: [KEY_USAGE_READ_MODEL],
    },
    { provide: KEY_USAGE_SUMMARIES, useExisting: KeyUsageSummaryTable },
  ],
  exports: [UsageRecorder, KEY_USAGE_READ_MODEL, KEY_USAGE_SUMMARIES, KeyUsageSummaryTable],
})
export class UsageModule {}
