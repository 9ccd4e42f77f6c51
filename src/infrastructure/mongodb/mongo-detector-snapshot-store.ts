import { randomUUID } from 'node:crypto';
import type { Collection, Db, MongoClient } from 'mongodb';
import type { DetectorSnapshot, DetectorSnapshotStore } from '../../anomalies/detection/detector-snapshot-store.port.js';
import { unlessUnreachable } from './mongo-unavailable.js';

interface Head {
  _id: 'head';
  generation: string;
  position: number;
  chunks: number;
  /** `parts`: each chunk one part (version 8 on). Absent: the chunks are slices of one text (version 7 and before). */
  format?: 'parts';
}

interface Chunk {
  _id: string;
  generation: string;
  index: number;
  text: string;
}

const chunkId = (generation: string, index: number): string => `${generation}:${index}`;

/**
 * The detector's snapshot in MongoDB without transactions (FerretDB has none): each part goes in a chunk document
 * under a new generation as it comes, then one write of the head document switches to it, then the old chunks are
 * deleted. A load follows the head and reads its chunks one at a time by _id, so it sees the old snapshot or the new
 * one, never a mix, and a save cut off part-way leaves the head on the old one. Two instances saving at once can
 * delete each other's chunks: a load then finds parts missing and the detector rebuilds its state from the log.
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
      return { position: head.position, parts: head.format === 'parts' ? this.partsOf(head) : this.wholeTextOf(head) };
    });
  }

  private async *partsOf({ generation, chunks }: Head): AsyncGenerator<string> {
    for (let index = 0; index < chunks; index++) {
      const chunk = await unlessUnreachable(() => this.chunks.findOne({ _id: chunkId(generation, index) }));
      // Replaced meanwhile by another instance's save: the reader finds parts missing and rebuilds.
      if (!chunk) return;
      yield chunk.text;
    }
  }

  /** A snapshot saved before version 8: one text cut in slices, read whole (once, at the upgrade). */
  private async *wholeTextOf({ generation, chunks }: Head): AsyncGenerator<string> {
    const slices: string[] = [];
    for (let index = 0; index < chunks; index++) {
      const chunk = await unlessUnreachable(() => this.chunks.findOne({ _id: chunkId(generation, index) }));
      if (!chunk) return;
      slices.push(chunk.text);
    }
    yield slices.join('');
  }

  async save({ position, parts }: DetectorSnapshot): Promise<void> {
    const generation = randomUUID();
    let index = 0;
    await unlessUnreachable(async () => {
      for await (const text of parts) {
        await this.chunks.insertOne({ _id: chunkId(generation, index), generation, index, text });
        index++;
      }
      if (index === 0) throw new Error('A detector snapshot has at least one part');
      await this.heads.replaceOne({ _id: 'head' }, { generation, position, chunks: index, format: 'parts' }, { upsert: true });
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
