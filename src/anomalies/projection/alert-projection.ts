import type { ViewProjectionDefinition } from '../../shared/projections/view-projection.js';
import { ALERT_ARCHIVED } from '../domain/alert-archived.js';
import { ANOMALY_DETECTED, ANOMALY_STREAM_PREFIX } from '../domain/anomaly.js';
import { applyToAlertView, type AlertView, readsAlertEvent } from './alert-view.js';
import { warningOfNewerVersions } from '../../shared/projections/newer-version-warning.js';

export const alertProjection: ViewProjectionDefinition<AlertView> = {
  name: 'alerts',
  eventTypes: [ANOMALY_DETECTED, ALERT_ARCHIVED],
  // From the stream's name (anomaly-<alertId>), which every version's alert has, whatever its fields.
  viewIdOf: (event) => event.streamId.slice(ANOMALY_STREAM_PREFIX.length),
  apply: applyToAlertView,
  // A view per alert stream: the stream's first event starts it.
  startsView: (event) => event.revision === 0,
};

/** The alert views, telling `warn` once per schema version of an alert they do not list (a newer version's). */
export const alertProjectionWarning = (warn: (message: string) => void): ViewProjectionDefinition<AlertView> =>
  warningOfNewerVersions(alertProjection, readsAlertEvent, { views: 'Alert views', passedBy: 'not listed' }, warn);
