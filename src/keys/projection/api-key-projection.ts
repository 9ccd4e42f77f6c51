import type { ViewProjectionDefinition } from '../../shared/projections/view-projection.js';
import { API_KEY_EVENT_TYPES } from '../domain/api-key-events.js';
import { applyToApiKeyView, type ApiKeyView } from './api-key-view.js';

export const apiKeyProjection: ViewProjectionDefinition<ApiKeyView> = {
  name: 'api-keys',
  eventTypes: API_KEY_EVENT_TYPES,
  viewIdOf: (event) => event.data.keyId as string,
  apply: applyToApiKeyView,
  // A view per key stream: the stream's first event (the key's creation) starts it.
  startsView: (event) => event.revision === 0,
  keepsRecentViews: true,
  // Measured on Node 20: 1,048 bytes with no permissions or addresses, 2,370 with ten of each.
  viewBytes: (view) => 1048 + 66 * (view.permissions.length + view.allowedIps.length),
};
