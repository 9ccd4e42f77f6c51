import type { AnomalyDetectedData } from '../anomaly.js';
import type { AnomalyThresholds } from '../anomaly-thresholds.js';
import type { KeyState } from '../detector-state.js';

/** One KeyUsed as the key rules see it; `address` is canonical, `atMs` the use's own time. */
export interface KeyUse {
  keyId: string;
  accountId: string;
  requestId: string;
  atMs: number;
  address: string | null;
}

/**
 * A key rule reads the key as the rules before it left it, updates in place only the fields it owns, and returns
 * what it found.
 */
export type KeyRule = (key: KeyState, use: KeyUse, t: AnomalyThresholds) => AnomalyDetectedData | null;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
