import { Module } from '@nestjs/common';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';
import type { AnomaliesStorage } from './anomalies.storage.js';
import { ALERT_READ_MODEL } from './projection/alert-read-model.port.js';
import { ListAlertsController } from './queries/list-alerts/list-alerts.controller.js';
import { ListAlertsHandler } from './queries/list-alerts/list-alerts.handler.js';
import { AnomaliesMetrics } from './metrics/anomalies-metrics.js';

/**
 * Anomalies: the alerts route and its read model, and the counters of findings and webhook deliveries (which the
 * projections declared in anomalies.projections.ts reach through ProjectionContext.provided).
 */
@Module({
  controllers: [ListAlertsController],
  providers: [
    ListAlertsHandler,
    AnomaliesMetrics,
    { provide: ALERT_READ_MODEL, useFactory: (storage: AnomaliesStorage) => storage.alertReadModel(), inject: [READ_MODEL_STORAGE] },
  ],
})
export class AnomaliesModule {}
