import { Inject, Injectable } from '@nestjs/common';
import { KeyUsageSummaryTable } from '../../usage/projection/key-usage-summary-table.js';
import { idleEndMs } from '../domain/idle-end.js';
import type { KnownKey } from './key-table.js';

/** What this instance has read of a key's usage stream in the log (the expiry scheduler reads it). */
export interface UsesRead {
  /** The latest use the log held up to throughRevision, with the summaries' up to where the read started. */
  lastUsedMs: number | null;
  /** The last revision of the key's usage stream read. */
  throughRevision: number;
  /** The read reached the stream's end: every use made up to this instant is counted (null when it did not). */
  completeUntilMs: number | null;
}

/** A key's uses as this instance knows them at an instant: what the idle rule (idleEndMs) decides on. */
export interface UsesKnown {
  lastUsedMs: number | null;
  completeUntilMs: number | null;
}

/**
 * Whether a rolled key with close_when_idle_seconds has gone unused that long, decided on the same facts on the
 * request path and in the expiry scheduler (which appends the final KeyExpired): the uses this instance accepted, at
 * once; the usage summaries; and what the scheduler read of the key's uses from the log. The summaries are a
 * statistics projection that may trail the log by minutes, so they alone never make a key idle: only a read of the log
 * a usage flush and a margin past the deadline (completeUntilMs) does. Until then the key is served, and each use
 * served restarts its idle time here at once.
 */
@Injectable()
export class IdleRetirement {
  // Keyed by the key table's entry: a lifecycle change replaces it (the log still holds its uses), and an ended key's entry goes with it.
  private readonly lastUseHere = new WeakMap<KnownKey, number>();
  private readonly logged = new WeakMap<KnownKey, UsesRead>();

  constructor(@Inject(KeyUsageSummaryTable) private readonly summaries: KeyUsageSummaryTable) {}

  hasGoneIdle(key: KnownKey, now: number): boolean {
    const idleSeconds = key.rotation?.closeWhenIdleSeconds;
    if (idleSeconds == null) return false;
    const { lastUsedMs, completeUntilMs } = this.known(key);
    return idleEndMs(Date.parse(key.rotation!.rolledAt), idleSeconds, lastUsedMs, completeUntilMs, now) !== null;
  }

  /** A use this instance records: it keeps the key from going idle before the log or the summaries hold it. */
  used(key: KnownKey, now: number): void {
    if (key.rotation?.closeWhenIdleSeconds != null) this.lastUseHere.set(key, now);
  }

  /** The key's latest use known here, and until when every instance's uses are known to be counted in it. */
  known(key: KnownKey): UsesKnown {
    const read = this.logged.get(key);
    const recorded = this.summaries.entry(key.keyId)?.lastUsedAt;
    const lastUsedMs = Math.max(read?.lastUsedMs ?? -Infinity, recorded ? Date.parse(recorded) : -Infinity, this.lastUseHere.get(key) ?? -Infinity);
    return { lastUsedMs: lastUsedMs === -Infinity ? null : lastUsedMs, completeUntilMs: read?.completeUntilMs ?? null };
  }

  /**
   * Where a read of the key's usage stream goes on from: after what was read before and what the summaries hold,
   * with the latest use those count; undefined while the summaries are not loaded and nothing was read (the stream
   * may be long: the read waits).
   */
  readFrom(key: KnownKey): { fromRevision: number; lastUsedMs: number | null } | undefined {
    const read = this.logged.get(key);
    const summary = this.summaries.entry(key.keyId);
    if (summary === undefined && read === undefined) return undefined;
    const summaryRevision = summary?.revision ?? -1;
    const fromRevision = Math.max(read?.throughRevision ?? -1, summaryRevision) + 1;
    const lastUsedMs = Math.max(read?.lastUsedMs ?? -Infinity, summary ? Date.parse(summary.lastUsedAt) : -Infinity);
    return { fromRevision, lastUsedMs: lastUsedMs === -Infinity ? null : lastUsedMs };
  }

  /** What the scheduler read of the key's uses from the log; a read that stopped short keeps what an earlier one made complete. */
  logRead(key: KnownKey, read: UsesRead): void {
    this.logged.set(key, { ...read, completeUntilMs: read.completeUntilMs ?? this.logged.get(key)?.completeUntilMs ?? null });
  }
}
