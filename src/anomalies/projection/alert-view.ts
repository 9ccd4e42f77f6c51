import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { AnomalyDetectedData } from '../domain/anomaly.js';

/** One alert as the alerts view keeps it: the finding, and where it stands in the log. */
export interface AlertView extends AnomalyDetectedData {
  /** Global position of the AnomalyDetected event: the listing's newest-first order and cursor. */
  position: number;
  revision: number;
}

/**
 * Whether the view reads the event: AnomalyDetected in the schema version this version writes (1). Another is a newer
 * version's, whose fields may have moved: read as if known, one without alertId stopped the alert views for good
 * ('Missing named parameter "alertId"' at every retry: no later alert was listed) and failed every replay.
 */
export const readsAlertEvent = (event: Pick<RecordedEvent, 'schemaVersion'>): boolean => event.schemaVersion === 1;

/** Pure: an alert is written once; seeing its event again changes nothing. A newer version's alert is not listed. */
export function applyToAlertView(view: AlertView | undefined, event: RecordedEvent): AlertView | undefined {
  if (view || !readsAlertEvent(event)) return view;
  const data = event.data as unknown as AnomalyDetectedData;
  return { ...data, position: event.position, revision: event.revision };
}
