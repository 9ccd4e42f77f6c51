import type { RateDecision, RateLimit } from './gcra.js';

export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

/**
 * Where rate-limit state lives: in this process (each instance counts alone) or shared by every instance
 * (Redis). `consume` never rejects: a store that cannot reach its shared state decides per instance.
 */
export interface RateLimitStore {
  /** Counts one request of the subject against its limit. Subjects are namespaced by the caller ("key:", "auth:"). */
  consume(subject: string, limit: RateLimit): Promise<RateDecision>;
  /** Whether decisions are shared by every instance right now, and why not when they are not. */
  sharing(): RateLimitSharing;
  close(): Promise<void>;
}

export type RateLimitSharing =
  | { mode: 'in-process' }
  | { mode: 'shared' }
  | { mode: 'per-instance'; reason: string; since: string };

/** Every mode, in the order the metrics and the OpenAPI document list them. */
export const RATE_LIMIT_SHARING_MODES: readonly RateLimitSharing['mode'][] = ['in-process', 'shared', 'per-instance'];
