import { Module } from '@nestjs/common';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';
import type { AnomaliesStorage } from './anomalies.storage.js';
import { ALERT_READ_MODEL } from './projection/alert-read-model.port.js';
import { ListAlertsController } from './queries/list-alerts/list-alerts.controller.js';
import { ListAlertsHandler } from './queries/list-alerts/list-alerts.handler.js';

/** Anomalies: the alerts route and its read model. Detection and delivery are declared in anomalies.projections.ts. */
@Module({
  controllers: [ListAlertsController],
  providers: [
    ListAlertsHandler,
    { provide: ALERT_READ_MODEL, useFactory: (storage: AnomaliesStorage) => storage.alertReadModel(), inject: [READ_MODEL_STORAGE] },
  ],
})
export class AnomaliesModule {}
