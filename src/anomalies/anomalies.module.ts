import { Inject, Module } from '@nestjs/common';
import { Environment } from '../shared/config/environment.js';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';
import type { AnomaliesStorage } from './anomalies.storage.js';
import { parseAnomalyThresholds } from './detection/parse-anomaly-thresholds.js';
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
export class AnomaliesModule {
  // The detector parses ANOMALY_THRESHOLDS on the projection thread; a bad value must stop the start here instead.
  constructor(@Inject(Environment) config: Environment) {
    parseAnomalyThresholds(config.ANOMALY_THRESHOLDS);
  }
}
