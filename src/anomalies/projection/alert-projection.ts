import type { ViewProjectionDefinition } from '../../shared/projections/view-projection.js';
import { ANOMALY_DETECTED } from '../domain/anomaly.js';
import { applyToAlertView, type AlertView } from './alert-view.js';

export const alertProjection: ViewProjectionDefinition<AlertView> = {
  name: 'alerts',
  eventTypes: [ANOMALY_DETECTED],
  viewIdOf: (event) => event.data.alertId as string,
  apply: applyToAlertView,
  // A view per alert stream: the stream's first event starts it.
  startsView: (event) => event.revision === 0,
};
