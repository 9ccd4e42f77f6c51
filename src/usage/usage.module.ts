import { Module } from '@nestjs/common';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';
import { KEY_USAGE_READ_MODEL } from './projection/key-usage-read-model.port.js';
import { UsageRecorder } from './recording/usage-recorder.js';
import type { UsageStorage } from './usage.storage.js';

/** Usage: the recorder of every use and failed authentication, and the usage views (declared in usage.projections.ts). */
@Module({
  providers: [
    UsageRecorder,
    { provide: KEY_USAGE_READ_MODEL, useFactory: (storage: UsageStorage) => storage.keyUsageReadModel(), inject: [READ_MODEL_STORAGE] },
  ],
  exports: [UsageRecorder, KEY_USAGE_READ_MODEL],
})
export class UsageModule {}
