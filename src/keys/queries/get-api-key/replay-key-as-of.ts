import type { EventStore, RecordedEvent } from '../../../shared/event-store/event-store.port.js';
import type { KeyUsageReadModel } from '../../../usage/projection/key-usage-read-model.port.js';
import { applyToKeyUsageView, type KeyUsageView, type UsageArchiveMark, viewOfTotals } from '../../../usage/projection/key-usage-view.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { foldApiKeyView } from '../../projection/api-key-view.js';
import type { ApiKeyWithUsage } from './get-api-key.query.js';
import { occurredAt } from '../get-api-key-history/key-history-order.js';
import { keyUsagePages } from './key-usage-pages.js';
import { InvalidRequest } from '../../../shared/application/errors.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { isKeyUse, USAGE_ARCHIVED, type UsageArchivedData } from '../../../usage/domain/usage-archived.js';

export interface AsOfReplay {
  /** The current usage views: a view whose every use was made by as_of is where the replay starts. */
  usageViews?: Pick<KeyUsageReadModel, 'getMany'>;
  /** Epoch ms (performance.now()): a replay still reading then gives up (UsageReplayTooLong). */
  deadline?: number;
}

/**
 * The key of `accountId` as it was at `asOf`: its lifecycle events and its uses that happened by then (occurredAt),
 * folded with the same pure functions the projections use. Reads the usage stream only for a key of that account:
 * another account's key costs what an unknown id does, so the time taken tells nothing of it.
 */
export async function replayKeyAsOf(store: EventStore, accountId: string, keyId: string, asOf: Date, replay: AsOfReplay = {}): Promise<ApiKeyWithUsage | null> {
  const until = asOf.getTime();
  const view = foldApiKeyView((await store.readStream(apiKeyStreamId(keyId))).filter((event) => Date.parse(occurredAt(event)) <= until));
  if (!view || view.accountId !== accountId) return null;
  return { view, usage: await usageAsOf(store, keyId, until, replay) };
}

/**
 * The usage view of the key's uses made by `until`. When the current view's last use was made by then, every use it
 * counts was (its lastUsedAt is the latest usedAt it folded), so it is the fold of the stream up to its revision and
 * only the uses logged since are read: an as_of at or after the key's last use costs what the views' lag does.
 */
async function usageAsOf(store: EventStore, keyId: string, until: number, { usageViews, deadline }: AsOfReplay): Promise<KeyUsageView | undefined> {
  const current = (await usageViews?.getMany([keyId]))?.get(keyId);
  if (current && Date.parse(current.lastUsedAt) <= until) {
    // A copy: the fold changes a view in place, and a read model may hand out the one it keeps.
    return replayKeyUsage(store, keyId, until, { from: structuredClone(current), deadline });
  }
  return replayKeyUsage(store, keyId, until, { deadline, archive: current?.archive ?? null });
}

/**
 * The key's usage view as its uses made by `until` (epoch ms; every use the log holds by default) fold it. From
 * the stream's start, when the log no longer holds it (archive-usage moved its first uses out): up to a time, the fold
 * starts from what they added up to, as the stream's archive through them records it, found where the current
 * view's mark (`archive`) says; for every use, the whole stream's fold adds it where it comes.
 */
export async function replayKeyUsage(
  store: EventStore,
  keyId: string,
  until = Infinity,
  options: { from?: KeyUsageView; deadline?: number; archive?: UsageArchiveMark | null } = {},
): Promise<KeyUsageView | undefined> {
  let usage = options.from;
  const start = usage ? usage.revision + 1 : 0;
  let next = start;
  for await (const page of keyUsagePages(store, keyId, { fromRevision: start, until, deadline: options.deadline })) {
    for (const event of page) {
      // Every use: the projection's own fold, which adds an archive's totals where its uses are gone.
      if (until === Infinity) {
        usage = applyToKeyUsageView(usage, event);
        continue;
      }
      // Uses gone before this one: the stream's start, or (a run killed during its removal, which takes them newest
      // first) the end of it, whose archive counts every use up to there, those read before the gap too.
      if (event.revision > next) usage = await archivedStart(store, keyId, event.revision, until, options.archive ?? null, options.deadline);
      next = event.revision + 1;
      // Archives in the stream: their uses are the start read above, or already counted in the view replayed from.
      if (isKeyUse(event) && Date.parse(event.data.usedAt as string) <= until) usage = applyToKeyUsageView(usage, event);
    }
  }
  return usage;
}

/**
 * What the uses before `firstHeld` (archived) add up to, as a view; only when every one of them was made by `until`.
 * Their archive is where the usage view's mark says (one read); where the views have not read it (just archived, a read
 * model rebuilt or set aside, the CLI on one never built), it is looked for in the stream, read as far as it takes.
 */
async function archivedStart(
  store: EventStore,
  keyId: string,
  firstHeld: number,
  until: number,
  mark: UsageArchiveMark | null,
  deadline: number | undefined,
): Promise<KeyUsageView> {
  const streamId = keyUsageStreamId(keyId);
  const isTheArchive = (event: RecordedEvent | undefined): event is RecordedEvent =>
    event?.type === USAGE_ARCHIVED && (event.data as unknown as UsageArchivedData).throughRevision === firstHeld - 1;
  let [archive]: Array<RecordedEvent | undefined> = mark?.throughRevision === firstHeld - 1 ? await store.readStream(streamId, { fromRevision: mark.revision, maxCount: 1 }) : [];
  if (!isTheArchive(archive)) archive = await archiveInStream(store, keyId, firstHeld, isTheArchive, deadline);
  const { accountId, totals, before } = archive.data as unknown as UsageArchivedData;
  if (Date.parse(totals.lastUsedAt) > until) throw new AsOfArchived(before, totals.lastUsedAt);
  return viewOfTotals(keyId, accountId, totals, firstHeld - 1);
}

async function archiveInStream(
  store: EventStore,
  keyId: string,
  firstHeld: number,
  isTheArchive: (event: RecordedEvent | undefined) => event is RecordedEvent,
  deadline: number | undefined,
): Promise<RecordedEvent> {
  for await (const page of keyUsagePages(store, keyId, { fromRevision: firstHeld, deadline })) {
    const found = page.find(isTheArchive);
    if (found) return found;
  }
  // The log holds uses whose archive it lacks: never so by archive-usage, which appends it before it removes them.
  throw new UsageArchiveMissing(keyId, firstHeld);
}

/** as_of asks for the usage at a time among uses archived out of the log. */
export class AsOfArchived extends InvalidRequest {
  constructor(before: string, lastArchivedUse: string) {
    super(
      `This key's uses logged before ${before} were archived out of the event log (docs/operations.md, "Usage retention"): ` +
        `as_of must be at or after its last archived use, ${lastArchivedUse}.`,
    );
  }
}

/** The stream's first uses are gone from the log and no archive of them is in it: never so by archive-usage (a 500). */
export class UsageArchiveMissing extends Error {
  constructor(keyId: string, firstHeld: number) {
    super(`The event log holds key ${keyId}'s uses from revision ${firstHeld} on but no archive of those before: its usage up to as_of cannot be told.`);
  }
}
