import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyUsageReadModel, KeyUsageSummaries } from './key-usage-read-model.port.js';
import { type KeyUsageSummary, type KeyUsageSummaryEntry, PACKED_SUMMARY_LENGTH, type PackedUsageSummaries } from './key-usage-view.js';

const RELOAD_MIN_MS = 500;
const RELOAD_MAX_MS = 30_000;

/**
 * Every key's usage summary (counts and last use), in the request thread's memory: the listing and a change's
 * answer read no store for it. Loaded from the usage views at start, then kept current with each usage view the
 * key-usage projection stores (it publishes them, from the projection thread), the newer revision winning, so
 * the load and the updates may arrive in any order. Until the load has finished, summaries come from the views.
 */
export class KeyUsageSummaryTable implements KeyUsageSummaries {
  private readonly entries = new Map<string, KeyUsageSummaryEntry>();
  private loaded = false;
  private stopped = false;

  constructor(
    private readonly views: KeyUsageReadModel,
    private readonly onLoadFailure: (error: unknown, retryInMs: number) => void = () => undefined,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  apply(entries: readonly KeyUsageSummaryEntry[]): void {
    for (const { keyId, accepted, rateLimited, refused, lastUsedAt, revision } of entries) this.take(keyId, accepted, rateLimited, refused, lastUsedAt, revision);
  }

  /** Summaries as the projection thread sends them (packSummaries). */
  applyPacked(packed: PackedUsageSummaries): void {
    for (let at = 0; at < packed.length; at += PACKED_SUMMARY_LENGTH) {
      this.take(packed[at] as string, packed[at + 1] as number, packed[at + 2] as number, packed[at + 3] as number, packed[at + 4] as string, packed[at + 5] as number);
    }
  }

  private take(keyId: string, accepted: number, rateLimited: number, refused: number, lastUsedAt: string, revision: number): void {
    const held = this.entries.get(keyId);
    if (held === undefined) this.entries.set(keyId, { keyId, accepted, rateLimited, refused, lastUsedAt, revision });
    else if (revision > held.revision) {
      // In place: an entry per use replacing the held one outlived the young generation (one a verify).
      held.accepted = accepted;
      held.rateLimited = rateLimited;
      held.refused = refused;
      held.lastUsedAt = lastUsedAt;
      held.revision = revision;
    }
  }

  /** The key's summary with its view's revision (the last use it counts): null for none, undefined until the table has loaded (it cannot say). */
  entry(keyId: string): Readonly<KeyUsageSummaryEntry> | null | undefined {
    return this.loaded ? (this.entries.get(keyId) ?? null) : undefined;
  }

  async summaries(ids: readonly string[]): Promise<Map<string, KeyUsageSummary>> {
    if (!this.loaded) return this.views.summaries(ids);
    const found = new Map<string, KeyUsageSummary>();
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry !== undefined) found.set(id, entry);
    }
    return found;
  }

  /** Loads every summary the views hold, again with capped backoff while their store cannot be read. */
  async load(): Promise<void> {
    for (let delay = RELOAD_MIN_MS; !this.stopped; delay = Math.min(delay * 2, RELOAD_MAX_MS)) {
      try {
        for await (const batch of this.views.allSummaries()) this.apply(batch);
        this.loaded = true;
        return;
      } catch (error) {
        this.onLoadFailure(error, delay);
        // Unreferenced: a load still retrying must not keep a stopping process alive.
        await sleep(delay, undefined, { ref: false });
      }
    }
  }

  /** Nest calls it when the application closes: a load still retrying gives up. */
  onModuleDestroy(): void {
    this.stopped = true;
  }
}
