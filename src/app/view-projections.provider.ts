import type { Provider } from '@nestjs/common';
import { apiKeyProjection } from '../keys/projection/api-key-projection.js';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../keys/projection/api-key-read-model.port.js';
import { ViewProjection } from '../shared/projections/view-projection.js';
import { keyUsageProjection } from '../usage/projection/key-usage-projection.js';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../usage/projection/key-usage-read-model.port.js';

/** Every projection that keeps a durable read model: what the service runs and what `replay` rebuilds. */
export const VIEW_PROJECTIONS = Symbol('VIEW_PROJECTIONS');

export const viewProjectionsProvider: Provider = {
  provide: VIEW_PROJECTIONS,
  useFactory: (apiKeys: ApiKeyReadModel, usage: KeyUsageReadModel) => [
    new ViewProjection(apiKeyProjection, apiKeys),
    new ViewProjection(keyUsageProjection, usage),
  ],
  inject: [API_KEY_READ_MODEL, KEY_USAGE_READ_MODEL],
};
