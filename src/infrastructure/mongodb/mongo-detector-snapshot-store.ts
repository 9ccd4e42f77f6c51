import { randomUUID } from 'node:crypto';
import type { Collection, Db, MongoClient } from 'mongodb';
import type { DetectorSnapshot, DetectorSnapshotStore } from '../../anomalies/detection/detector-snapshot-store.port.js';
import { unlessUnreachable } from './mongo-unavailable.js';

/** Characters per chunk: at most 12 MB of UTF-8, inside a document's 16 MB limit. */
const CHUNK_CHARACTERS = 4 * 1024 * 1024;

interface Head {
  _id: 'head';
  generation: string;
  position: number;
  chunks: number;
}

interface Chunk {
  _id: string;
  generation: string;
  index: number;
  text: string;
}

/**
 * The detector's snapshot in MongoDB without transactions: the text goes in chunks under a new
 * generation, then one write of the head document switches to it, then the old chunks are deleted.
 * A load follows the head, so it sees the old snapshot or the new one, never a mix. Two instances saving
 * at once can delete each other's chunks: a load then finds none and the detector replays the log.
 */
export class MongoDetectorSnapshotStore implements DetectorSnapshotStore {
  static readonly COLLECTIONS = ['detector_snapshot', 'detector_snapshot_chunks'] as const;
  private readonly heads: Collection<Head>;
  private readonly chunks: Collection<Chunk>;

  /** Takes over the client: close() closes it. */
  constructor(
    private readonly client: MongoClient,
    db: Db,
  ) {
    const [heads, chunks] = MongoDetectorSnapshotStore.COLLECTIONS;
    this.heads = db.collection(heads);
    this.chunks = db.collection(chunks);
  }

  async load(): Promise<DetectorSnapshot | null> {
    return unlessUnreachable(async () => {
      const head = await this.heads.findOne({ _id: 'head' });
      if (!head) return null;
      const chunks = await this.chunks.find({ generation: head.generation }).sort({ index: 1 }).toArray();
      // A save that replaced this generation meanwhile: the next start simply replays further.
      if (chunks.length !== head.chunks) return null;
      return { position: head.position, state: chunks.map((chunk) => chunk.text).join('') };
    });
  }

  async save({ position, state }: DetectorSnapshot): Promise<void> {
    const generation = randomUUID();
    const count = Math.max(1, Math.ceil(state.length / CHUNK_CHARACTERS));
    const chunks: Chunk[] = Array.from({ length: count }, (_, index) => ({
      _id: `${generation}:${index}`,
      generation,
      index,
      text: state.slice(index * CHUNK_CHARACTERS, (index + 1) * CHUNK_CHARACTERS),
    }));
    await unlessUnreachable(async () => {
      for (const chunk of chunks) await this.chunks.insertOne(chunk);
      await this.heads.replaceOne({ _id: 'head' }, { generation, position, chunks: chunks.length }, { upsert: true });
      await this.chunks.deleteMany({ generation: { $ne: generation } });
    });
  }

  async clear(): Promise<void> {
    await unlessUnreachable(async () => {
      await this.heads.deleteMany({});
      await this.chunks.deleteMany({});
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
