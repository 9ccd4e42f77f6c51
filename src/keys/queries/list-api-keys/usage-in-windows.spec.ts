import { makeView } from '../../../../test/support/api-key-view.js';
import type { KeyUsageSummary, KeyUsageSummaryEntry } from '../../../usage/projection/key-usage-view.js';
import type { ApiKeyView } from '../../projection/api-key-view.js';
import { usageInWindows, type UsageInWindowsOptions, type UsageSource } from './usage-in-windows.js';

const KEYS = 1_234;
const views = Array.from({ length: KEYS }, (_, n) => makeView({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` }));
/** Every third key has no usage view; the rest count their position, so a summary given to the wrong key shows. */
const entries: KeyUsageSummaryEntry[] = views
  .filter((_, n) => n % 3 !== 0)
  .map((view, n) => ({ keyId: view.id, accepted: n, rateLimited: n % 7, refused: n % 5, lastUsedAt: `2026-12-07T00:00:${String(n % 60).padStart(2, '0')}.000Z`, revision: n + 1 }));
/** Also summaries of keys not listed: a pass reads every key's. */
const others: KeyUsageSummaryEntry[] = Array.from({ length: 3_000 }, (_, n) => ({ keyId: `other-${n}`, accepted: 1, rateLimited: 0, refused: 0, lastUsedAt: '2026-12-07T00:00:00.000Z', revision: 1 }));

/** A usage store on a clock of its own: each key looked up costs `lookupMs`, each pass `passMs`. */
function slowUsage(lookupMs: number, passMs: number) {
  let clock = 0;
  const byId = new Map(entries.map(({ keyId, accepted, rateLimited, refused, lastUsedAt }) => [keyId, { accepted, rateLimited, refused, lastUsedAt } as KeyUsageSummary]));
  const calls = { lookedUp: 0, passes: 0 };
  const source: UsageSource = {
    async summaries(ids) {
      calls.lookedUp += ids.length;
      clock += lookupMs * ids.length;
      return new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : [])));
    },
    async *allSummaries() {
      calls.passes += 1;
      clock += passMs;
      const all = [...others.slice(0, 1_500), ...entries.slice().reverse(), ...others.slice(1_500)];
      for (let from = 0; from < all.length; from += 500) yield all.slice(from, from + 500);
    },
  };
  return { source, calls, now: () => clock, byId };
}

async function* inBatches(size: number): AsyncIterable<ApiKeyView[]> {
  for (let from = 0; from < views.length; from += size) yield views.slice(from, from + size);
}

async function listed(source: UsageSource, options: UsageInWindowsOptions) {
  const batches = [];
  for await (const batch of usageInWindows(inBatches(100), source, options)) batches.push(batch);
  return batches;
}

describe('usageInWindows: each key with its usage, looked up or from one pass a window, whichever this run measured cheaper', () => {
  const options = { window: 400, probe: 8, firstPassAfterMs: 30_000 };

  it('looks every batch up, never passes, where the lookups are fast (1 ms a key: a window in 0.4 s)', async () => {
    const usage = slowUsage(1, 60_000);
    const batches = await listed(usage.source, { ...options, now: usage.now });
    expect(batches.flat()).toEqual(views.map((view) => ({ view, usage: usage.byId.get(view.id) })));
    expect(batches.flat().filter(({ usage }) => usage === undefined)).toHaveLength(Math.ceil(KEYS / 3));
    expect(usage.calls).toEqual({ lookedUp: KEYS, passes: 0 });
    // The probe, the rest of the first batch, then each batch as read.
    expect(batches.map((batch) => batch.length)).toEqual([8, 92, ...Array.from({ length: 12 }, (_, n) => (n === 11 ? 34 : 100))]);
  });

  it('after the probe, one pass a window where the lookups are slow (1.1 s a key: a window in 440 s), the same usage in the same order', async () => {
    const usage = slowUsage(1_100, 50_000);
    const batches = await listed(usage.source, { ...options, now: usage.now });
    expect(batches.flat()).toEqual(views.map((view) => ({ view, usage: usage.byId.get(view.id) })));
    // 8 probed; 1,226 held in windows of 400: 3 passes, and the last 26 keys looked up (28.6 s, where a pass took 50 s).
    expect(usage.calls).toEqual({ lookedUp: 8 + 26, passes: 3 });
    expect(Math.max(...batches.map((batch) => batch.length))).toBe(100);
  });

  it('looks a held window up when a measured pass took longer than its lookups would', async () => {
    // 100 ms a key: a window of 400 in 40 s, past the first-pass bound of 30 s; the pass then measured 60 s: lookups from then on.
    const usage = slowUsage(100, 60_000);
    const batches = await listed(usage.source, { ...options, now: usage.now });
    expect(batches.flat()).toEqual(views.map((view) => ({ view, usage: usage.byId.get(view.id) })));
    expect(usage.calls).toEqual({ lookedUp: KEYS - 400, passes: 1 });
  });
});
