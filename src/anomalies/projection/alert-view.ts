import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { AnomalyDetectedData } from '../domain/anomaly.js';

/** One alert as the alerts view keeps it: the finding, and where it stands in the log. */
export interface AlertView extends AnomalyDetectedData {
  /** Global position of the AnomalyDetected event: the listing's newest-first order and cursor. */
  position: number;
  revision: number;
}

/** Pure: an alert is written once; seeing its event again changes nothing. */
export function applyToAlertView(view: AlertView | undefined, event: RecordedEvent): AlertView | undefined {
  if (view) return view;
  const data = event.data as unknown as AnomalyDetectedData;
  return { ...data, position: event.position, revision: event.revision };
}
