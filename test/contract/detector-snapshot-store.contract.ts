import type { DetectorSnapshot, DetectorSnapshotStore } from '../../src/anomalies/detection/detector-snapshot-store.port.js';
import type { StoreFixture } from '../support/store-fixtures.js';

/** What a durable adapter's fixture adds: how the build before version 8 wrote a snapshot, and how many parts it holds. */
export interface DetectorSnapshotFixture extends StoreFixture<DetectorSnapshotStore> {
  /** Writes `text` as the previous build's store did (one text, no parts). */
  writeWhole?(position: number, text: string): Promise<void>;
  /** The parts stored under every generation, the live one's first part included. */
  storedParts?(): Promise<number>;
}

export async function partsOf(snapshot: DetectorSnapshot | null): Promise<string[] | null> {
  if (snapshot === null) return null;
  const parts: string[] = [];
  for await (const part of snapshot.parts) parts.push(part);
  return parts;
}

const loaded = async (store: DetectorSnapshotStore) => {
  const snapshot = await store.load();
  return snapshot && { position: snapshot.position, parts: await partsOf(snapshot) };
};

export function detectorSnapshotStoreContract(adapter: string, open: () => Promise<DetectorSnapshotFixture>, durable = true): void {
  describe(`DetectorSnapshotStore contract: ${adapter}`, () => {
    let fixture: DetectorSnapshotFixture;

    beforeEach(async () => {
      fixture = await open();
    });
    afterEach(() => fixture.cleanup());

    it('has no snapshot before the first save and after a clear', async () => {
      expect(await fixture.store.load()).toBeNull();
      await fixture.store.save({ position: 5, parts: ['{"a":1}', '{"b":2}'] });
      await fixture.store.clear();
      expect(await fixture.store.load()).toBeNull();
    });

    it('gives back the last snapshot saved, whole, its parts in order', async () => {
      await fixture.store.save({ position: 5, parts: ['{"a":1}', '{"old":true}', '{"c":3}'] });
      await fixture.store.save({ position: 9, parts: ['{"a":2,"é":"ü"}', '{"b":[1]}'] });
      expect(await loaded(fixture.store)).toEqual({ position: 9, parts: ['{"a":2,"é":"ü"}', '{"b":[1]}'] });
      await fixture.store.save({ position: 10, parts: ['{"only":1}'] });
      expect(await loaded(fixture.store)).toEqual({ position: 10, parts: ['{"only":1}'] });
    });

    it('takes the parts from an async iterable, and keeps a snapshot larger than a MongoDB document', async () => {
      const big = ['x'.repeat(5 * 1024 * 1024), 'é'.repeat(3 * 1024 * 1024), 'y'.repeat(5 * 1024 * 1024), 'end'];
      async function* parts() {
        for (const part of big) yield part;
      }
      await fixture.store.save({ position: 1, parts: ['small'] });
      await fixture.store.save({ position: 2, parts: parts() });
      const back = await loaded(fixture.store);
      expect(back?.position).toBe(2);
      expect(back?.parts?.map((part) => part.length)).toEqual(big.map((part) => part.length));
      expect(back?.parts?.every((part, i) => part === big[i])).toBe(true);
    });

    it('leaves the previous snapshot loadable when a save is cut off part-way, and saves again after', async () => {
      await fixture.store.save({ position: 7, parts: ['{"h":7}', '{"k":[1]}', '{"k":[2]}'] });
      async function* cutOff() {
        yield '{"h":8}';
        yield '{"k":[10]}';
        yield '{"k":[20]}';
        throw new Error('the process ends here');
      }
      await expect(fixture.store.save({ position: 8, parts: cutOff() })).rejects.toThrow('the process ends here');
      expect(await loaded(fixture.store)).toEqual({ position: 7, parts: ['{"h":7}', '{"k":[1]}', '{"k":[2]}'] });
      await fixture.store.save({ position: 9, parts: ['{"h":9}', '{"k":[3]}'] });
      expect(await loaded(fixture.store)).toEqual({ position: 9, parts: ['{"h":9}', '{"k":[3]}'] });
      if (fixture.storedParts) expect(await fixture.storedParts()).toBe(2);
    });

    if (durable) {
      it('keeps the snapshot across a reopen', async () => {
        await fixture.store.save({ position: 42, parts: ['{"kept":true}', '{"k":[]}'] });
        fixture.store = await fixture.reopen!();
        expect(await loaded(fixture.store)).toEqual({ position: 42, parts: ['{"kept":true}', '{"k":[]}'] });
      });

      it('writes each part before it asks for the next, so a save never holds them all', async () => {
        const seen: number[] = [];
        const count = fixture.storedParts!;
        async function* parts() {
          for (let i = 0; i < 4; i++) {
            seen.push(await count());
            yield `{"part":${i}}`;
          }
        }
        await fixture.store.save({ position: 3, parts: parts() });
        // Each part is stored before the next is asked for (SQLite keeps the first, a few bytes, for the switch).
        expect([seen[2] - seen[1], seen[3] - seen[2]]).toEqual([1, 1]);
        expect(await count()).toBe(4);
      });

      it('loads a snapshot of one whole text as the build before parts wrote it (version 7), and replaces it', async () => {
        const text = JSON.stringify({ version: 7, filler: 'z'.repeat(9 * 1024 * 1024), end: 'ü' });
        await fixture.writeWhole!(11, text);
        fixture.store = await fixture.reopen!();
        const back = await loaded(fixture.store);
        expect(back?.position).toBe(11);
        expect(back?.parts?.length).toBe(1);
        expect(back?.parts?.[0] === text).toBe(true);
        await fixture.store.save({ position: 12, parts: ['{"h":12}', '{"k":[]}'] });
        expect(await loaded(fixture.store)).toEqual({ position: 12, parts: ['{"h":12}', '{"k":[]}'] });
      });
    }
  });
}
