import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import type { EventStore, RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { Projection } from '../../shared/projections/projection.js';
import { ANOMALY_DETECTED, type AnomalyDetectedData, anomalyStreamId } from '../domain/anomaly.js';
import { detect, type DetectorInput, type DetectorState, initialDetectorState } from '../domain/anomaly-detector.js';
import type { AnomalyThresholds } from '../domain/anomaly-thresholds.js';

export const DETECTOR_INPUT_TYPES = ['KeyCreated', 'KeyRevoked', 'KeyUsed', 'AuthenticationFailed'] as const;
export const ANOMALY_DETECTOR = 'anomaly-detector';

/**
 * Runs the pure detector over the log and appends each finding as AnomalyDetected to its own stream
 * with "no stream" expected: a finding already recorded (by a replay, a restart or another instance)
 * is refused by the store, so every alert exists exactly once. The detector's state lives in memory
 * and is rebuilt from the start of the log at every start.
 */
export class AnomalyDetectionProjection implements Projection {
  readonly name = ANOMALY_DETECTOR;
  readonly eventTypes = DETECTOR_INPUT_TYPES;
  private state: DetectorState = initialDetectorState();

  constructor(
    private readonly store: EventStore,
    private readonly thresholds: AnomalyThresholds,
  ) {}

  async checkpoint(): Promise<number | null> {
    return null;
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const result = detect(this.state, event as unknown as DetectorInput, this.thresholds);
      for (const finding of result.findings) await this.record(finding);
      this.state = result.state;
    }
  }

  async saveCheckpoint(): Promise<void> {}

  async reset(): Promise<void> {
    this.state = initialDetectorState();
  }

  private async record(finding: AnomalyDetectedData): Promise<void> {
    try {
      await this.store.appendToStream(
        anomalyStreamId(finding.alertId),
        [{ type: ANOMALY_DETECTED, schemaVersion: 1, data: { ...finding } }],
        'no_stream',
      );
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
}
