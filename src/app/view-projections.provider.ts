import type { Provider } from '@nestjs/common';
import { alertProjection } from '../anomalies/projection/alert-projection.js';
import { ALERT_READ_MODEL, type AlertReadModel } from '../anomalies/projection/alert-read-model.port.js';
import { apiKeyProjection } from '../keys/projection/api-key-projection.js';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../keys/projection/api-key-read-model.port.js';
import { ViewProjection } from '../shared/projections/view-projection.js';
import { keyUsageProjection } from '../usage/projection/key-usage-projection.js';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../usage/projection/key-usage-read-model.port.js';

/** Every projection that keeps a durable read model: what the service runs and what `replay` rebuilds. */
export const VIEW_PROJECTIONS = Symbol('VIEW_PROJECTIONS');

export const viewProjectionsProvider: Provider = {
  provide: VIEW_PROJECTIONS,
  useFactory: (apiKeys: ApiKeyReadModel, usage: KeyUsageReadModel, alerts: AlertReadModel) => [
    new ViewProjection(apiKeyProjection, apiKeys),
    new ViewProjection(keyUsageProjection, usage),
    new ViewProjection(alertProjection, alerts),
  ],
  inject: [API_KEY_READ_MODEL, KEY_USAGE_READ_MODEL, ALERT_READ_MODEL],
};
