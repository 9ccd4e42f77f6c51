import type { EventStore, UnknownTypesIn } from '../../shared/event-store/event-store.port.js';
import { feedInBulk } from '../../shared/projections/feed-in-bulk.js';
import { type Projection, selectionOf } from '../../shared/projections/projection.js';
import { nextGeneration, type ReadModelGenerations } from '../../shared/storage/read-model-generations.js';
import type { ReadModelStorage } from '../../shared/storage/read-model-storage.port.js';

export interface RebuildProgress {
  events: number;
  position: number;
  head: number;
}

export interface RebuildResult {
  /** The generation built, now live. */
  generation: number;
  /** The generation that was live before, kept for instances still serving it. */
  previous: number;
  /** The position an interrupted rebuild of this generation had reached, or null for a rebuild from the start. */
  resumedAfter: number | null;
  /** The projections rebuilt, by name. */
  projections: string[];
  events: number;
  seconds: number;
}

export interface GenerationRebuild<S extends ReadModelStorage> {
  store: EventStore;
  generations: ReadModelGenerations;
  /** The storage of one generation, on a connection of its own: closed by the rebuild. */
  openAt(generation: number): Promise<S>;
  /** The projections to rebuild, on that storage. */
  projectionsOn(storage: S): Promise<Projection[]>;
  onProgress?(progress: RebuildProgress): void;
  /** How often progress is saved on the way (feedInBulk's default unless told). */
  saveEveryMs?: number;
  /** ProjectionRunnerOptions.knownEventTypes: what the projections that fold streams whole are not fed as unknown (their own types when absent). */
  knownEventTypes?: readonly string[];
}

/**
 * Blue/green: fills the next generation of the read models from the log, beside the live one, which keeps
 * serving and is never written; then makes it live in one write. A rebuild interrupted (killed, store down)
 * resumes where its last flush left off the next time, and until it finishes nothing serves it. Running
 * instances keep serving (and following the log into) the generation they opened until they see the switch
 * (ProjectionsService.followLiveGeneration): deleting old generations is the caller's call (dropGenerationsBut).
 */
export async function rebuildProjections<S extends ReadModelStorage>(rebuild: GenerationRebuild<S>): Promise<RebuildResult> {
  const started = process.hrtime.bigint();
  const { generations, store } = rebuild;
  const state = await generations.read();
  let generation = state.building;
  if (generation === null) {
    generation = nextGeneration(state, await generations.stored());
    await generations.startBuilding(generation);
  }
  const storage = await rebuild.openAt(generation);
  let fed: { events: number } | undefined;
  let resumedAfter: number | null;
  let projections: Projection[];
  try {
    projections = await rebuild.projectionsOn(storage);
    resumedAfter = await resumePosition(projections);
    const head = (await store.headPosition()) ?? 0;
    // Only the projections' types, as their subscriptions read, and in the key streams the types this version does
    // not know: a log shared with other applications (an EventStoreDB database) holds events this service cannot read.
    const types = [...new Set(projections.flatMap((projection) => projection.eventTypes))];
    fed = await feedInBulk(store, projections, {
      after: resumedAfter,
      types,
      unknownTypesIn: unknownTypesOfAll(projections, rebuild.knownEventTypes ?? types),
      saveEveryMs: rebuild.saveEveryMs,
      onPage: (events, position) => rebuild.onProgress?.({ events, position, head }),
    });
  } finally {
    await storage.close();
  }
  await generations.switchTo(generation);
  return {
    generation,
    previous: state.live,
    resumedAfter,
    projections: projections.map((projection) => projection.name),
    events: fed?.events ?? 0,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

/**
 * Where to go on from: the lowest checkpoint of the projections (each flush saves views then checkpoint, and
 * projections are idempotent, so the others re-apply a little harmlessly), or the start if any has none.
 */
async function resumePosition(projections: readonly Projection[]): Promise<number | null> {
  const checkpoints = await Promise.all(projections.map((projection) => projection.checkpoint()));
  if (checkpoints.length === 0 || checkpoints.some((checkpoint) => checkpoint === null)) return null;
  return Math.min(...(checkpoints as number[]));
}

/** Deletes every stored generation but those kept; returns those deleted. */
export async function dropGenerationsBut(generations: ReadModelGenerations, keep: readonly number[]): Promise<number[]> {
  const dropped: number[] = [];
  for (const generation of await generations.stored()) {
    if (keep.includes(generation)) continue;
    await generations.drop(generation);
    dropped.push(generation);
  }
  return dropped;
}

/** The one set of streams the projections fold whole (the key streams), read once for all of them. */
function unknownTypesOfAll(projections: readonly Projection[], knownTypes: readonly string[]): UnknownTypesIn | undefined {
  const all = projections.flatMap((projection) => selectionOf(projection, knownTypes).unknownTypesIn ?? []);
  if (new Set(all.map(({ streamPrefix }) => streamPrefix)).size > 1) throw new Error('Projections that fold streams whole must name one prefix: a read has one');
  return all[0];
}
