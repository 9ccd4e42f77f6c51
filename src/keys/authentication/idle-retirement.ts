import { Inject, Injectable } from '@nestjs/common';
import { KeyUsageSummaryTable } from '../../usage/projection/key-usage-summary-table.js';
import type { KnownKey } from './key-table.js';

/**
 * Whether a rolled key with close_when_idle_seconds has gone unused that long, at the instant of a request: the
 * expiry scheduler appends its KeyExpired only at its next pass, and a use accepted meanwhile would restart the
 * idle time. Its last use is the latest of the roll, the uses the log has (the usage summaries) and the uses this
 * instance accepted since, which the summaries may not hold yet.
 */
@Injectable()
export class IdleRetirement {
  // Keyed by the key table's entry: a lifecycle change replaces it, and an ended key's entry goes with it.
  private readonly lastUseHere = new WeakMap<KnownKey, number>();

  constructor(@Inject(KeyUsageSummaryTable) private readonly summaries: KeyUsageSummaryTable) {}

  hasGoneIdle(key: KnownKey, now: number): boolean {
    const idleSeconds = key.rotation?.closeWhenIdleSeconds;
    if (idleSeconds == null) return false;
    const recorded = this.summaries.lastUsedAt(key.keyId);
    // Until the summaries are loaded the last use is unknown: the scheduler, which reads the stored views, decides.
    if (recorded === undefined) return false;
    const lastUse = Math.max(Date.parse(key.rotation!.rolledAt), recorded === null ? -Infinity : Date.parse(recorded), this.lastUseHere.get(key) ?? -Infinity);
    return now >= lastUse + idleSeconds * 1000;
  }

  /** A use this instance records: it keeps the key from going idle before the summaries hold it. */
  used(key: KnownKey, now: number): void {
    if (key.rotation?.closeWhenIdleSeconds != null) this.lastUseHere.set(key, now);
  }
}
