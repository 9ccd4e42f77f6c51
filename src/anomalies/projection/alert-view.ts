import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { ALERT_ARCHIVED, type AlertArchivedData } from '../domain/alert-archived.js';
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

/**
 * Pure: an alert is written once; seeing its event again changes nothing. A newer version's alert is not listed. An
 * archived alert (AlertArchived) leaves only a stub: no account (so it is never listed or found), key, address or
 * evidence; kept, at the archive's revision, so that its AnomalyDetected seen again (a store another instance is
 * behind on, EventStoreDB's `$all` before its scavenge) cannot bring the alert back.
 */
export function applyToAlertView(view: AlertView | undefined, event: RecordedEvent): AlertView | undefined {
  if (!readsAlertEvent(event)) return view;
  if (event.type === ALERT_ARCHIVED) return view && view.revision >= event.revision ? view : archivedAlertStub(event);
  if (view) return view;
  const data = event.data as unknown as AnomalyDetectedData;
  return { ...data, position: event.position, revision: event.revision };
}

/** What the alert views keep of an archived alert: the same from the archive alone, whatever the view held before. */
function archivedAlertStub(event: RecordedEvent): AlertView {
  const { alertId, rule, windowStart, windowEnd, detectedAt } = event.data as unknown as AlertArchivedData;
  return { alertId, rule, keyId: null, accountId: null, ip: null, evidence: {}, windowStart, windowEnd, detectedAt, position: event.position, revision: event.revision };
}
