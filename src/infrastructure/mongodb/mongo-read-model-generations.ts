import type { Collection, Db } from 'mongodb';
import {
  assertBeingBuilt,
  assertDroppable,
  FIRST_GENERATION,
  type GenerationState,
  type ReadModelGenerations,
} from '../../shared/storage/read-model-generations.js';
import { collectionNames } from './mongo-collections.js';
import { unlessUnreachable } from './mongo-unavailable.js';

export const CHECKPOINTS = 'checkpoints';
/** Every collection a generation holds: the views of each rebuildable read model (the key views' accounts too) and their checkpoints. */
const GENERATION_COLLECTIONS = ['api_keys', 'api_key_accounts', 'key_usage', 'alerts', 'audit_log', CHECKPOINTS] as const;
const IN_GENERATION = new RegExp(`^(?:${GENERATION_COLLECTIONS.join('|')})(?:_g(\\d+))?$`);

/** A collection's name in a generation: the first keeps the names collections had before generations existed. */
export function collectionOf(base: string, generation: number): string {
  return generation === 0 ? base : `${base}_g${generation}`;
}

interface PointerDocument {
  _id: 'read-models';
  live: number;
  building: number | null;
}

/** The identity of the log the database's read models follow, beside the pointer. */
interface IdentityDocument {
  _id: 'log-identity';
  eventId: string;
}

/** Every collection of one generation. */
export function collectionsOfGeneration(generation: number): string[] {
  return GENERATION_COLLECTIONS.map((base) => collectionOf(base, generation));
}

/** The generation pointer in one document: a switch is a single-document write, atomic on any MongoDB. */
export class MongoReadModelGenerations implements ReadModelGenerations {
  static readonly COLLECTIONS = ['generations'] as const;
  private readonly pointer: Collection<PointerDocument>;

  constructor(private readonly db: Db) {
    this.pointer = db.collection<PointerDocument>(MongoReadModelGenerations.COLLECTIONS[0]);
  }

  async read(): Promise<GenerationState> {
    return unlessUnreachable(async () => {
      const doc = await this.pointer.findOne({ _id: 'read-models' });
      return doc ? { live: doc.live, building: doc.building ?? null } : { ...FIRST_GENERATION };
    });
  }

  async startBuilding(generation: number): Promise<void> {
    const { live } = await this.read();
    await this.write({ live, building: generation });
  }

  async switchTo(generation: number): Promise<void> {
    const state = await this.read();
    assertBeingBuilt(state, generation);
    await this.write({ live: generation, building: null });
  }

  async stored(): Promise<number[]> {
    return unlessUnreachable(async () => {
      const generations = new Set<number>();
      for (const name of await collectionNames(this.db)) {
        const match = IN_GENERATION.exec(name);
        if (match) generations.add(match[1] === undefined ? 0 : Number(match[1]));
      }
      return [...generations].sort((a, b) => a - b);
    });
  }

  async drop(generation: number): Promise<void> {
    assertDroppable(await this.read(), generation);
    await unlessUnreachable(async () => {
      const existing = await collectionNames(this.db);
      for (const name of collectionsOfGeneration(generation)) {
        if (existing.has(name)) await this.db.dropCollection(name);
      }
    });
  }

  async logIdentity(): Promise<string | null> {
    return unlessUnreachable(async () => (await this.identity().findOne({ _id: 'log-identity' }))?.eventId ?? null);
  }

  async recordLogIdentity(identity: string): Promise<string> {
    await unlessUnreachable(async () => {
      try {
        await this.identity().insertOne({ _id: 'log-identity', eventId: identity });
      } catch (error) {
        // Recorded already (by an earlier start, or one running at the same time): that one stands.
        if ((error as { code?: number }).code !== 11000) throw error;
      }
    });
    return (await this.logIdentity())!;
  }

  private identity(): Collection<IdentityDocument> {
    return this.db.collection<IdentityDocument>(MongoReadModelGenerations.COLLECTIONS[0]);
  }

  private async write(state: GenerationState): Promise<void> {
    // FerretDB 1.24 leaves null fields out of an upsert's document: read() takes a missing `building` as null.
    await unlessUnreachable(() => this.pointer.replaceOne({ _id: 'read-models' }, state, { upsert: true }));
  }
}
