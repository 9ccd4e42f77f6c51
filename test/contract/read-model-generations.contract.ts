import type { ReadModelStorage } from '../../src/shared/storage/read-model-storage.port.js';
import { partsOf } from './detector-snapshot-store.contract.js';
import type { Storage } from '../../src/app/storage/storage.js';

export interface GenerationsFixture {
  /** A storage of the place under test: its live generation, or the one given. Closed by the suite. */
  open(generation?: number): Promise<Storage>;
  cleanup(): Promise<void>;
}

/** What every technology's generation pointer promises: the blue/green rebuild relies on each of these. */
export function readModelGenerationsContract(adapter: string, place: () => Promise<GenerationsFixture>): void {
  describe(`ReadModelGenerations contract: ${adapter}`, () => {
    let fixture: GenerationsFixture;
    const opened: ReadModelStorage[] = [];
    const open = async (generation?: number) => {
      const storage = await fixture.open(generation);
      opened.push(storage);
      return storage;
    };

    beforeEach(async () => {
      fixture = await place();
    });
    afterEach(async () => {
      for (const storage of opened.splice(0)) await storage.close();
      await fixture.cleanup();
    });

    it('starts at the first generation with nothing being built', async () => {
      const storage = await open();
      expect(storage.generation).toBe(0);
      expect(await storage.generations().read()).toEqual({ live: 0, building: null });
    });

    it('keeps each generation’s views and checkpoints apart, and not the stores that have no generation', async () => {
      const first = await open();
      const second = await open(1);
      await (await first.apiKeyReadModel()).save([], 5);
      await (await first.deliveryCheckpointStore()).save('alert-webhook', 3);
      expect(await (await second.apiKeyReadModel()).getCheckpoint()).toBeNull();
      await (await second.keyUsageReadModel()).save([], 8);
      expect(await (await first.keyUsageReadModel()).getCheckpoint()).toBeNull();
      expect(await (await second.deliveryCheckpointStore()).get('alert-webhook')).toBe(3);
    });

    it('switches only to the generation being built, and a storage opened afterwards serves it', async () => {
      const pointer = (await open()).generations();
      await pointer.startBuilding(1);
      expect(await pointer.read()).toEqual({ live: 0, building: 1 });
      await expect(pointer.switchTo(2)).rejects.toThrow('not the one being built');
      await (await (await open(1)).alertReadModel()).save([], 11);
      await pointer.switchTo(1);
      expect(await pointer.read()).toEqual({ live: 1, building: null });
      const after = await open();
      expect(after.generation).toBe(1);
      expect(await (await after.alertReadModel()).getCheckpoint()).toBe(11);
    });

    it('drops a generation that is neither live nor being built, and nothing else', async () => {
      const first = await open();
      await (await first.apiKeyReadModel()).save([], 5);
      await (await first.detectorSnapshotStore()).save({ position: 4, parts: ['{}'] });
      const pointer = first.generations();
      await pointer.startBuilding(1);
      await (await (await open(1)).apiKeyReadModel()).save([], 9);
      await expect(pointer.drop(0)).rejects.toThrow('live');
      await expect(pointer.drop(1)).rejects.toThrow('being built');
      expect(await pointer.stored()).toEqual(expect.arrayContaining([0, 1]));

      await pointer.switchTo(1);
      for (const storage of opened.splice(0)) await storage.close();
      await (await open()).generations().drop(0);
      const dropped = await open(0);
      expect(await (await dropped.apiKeyReadModel()).getCheckpoint()).toBeNull();
      const snapshot = await (await dropped.detectorSnapshotStore()).load();
      expect({ position: snapshot?.position, parts: await partsOf(snapshot) }).toEqual({ position: 4, parts: ['{}'] });
      expect(await (await (await open(1)).apiKeyReadModel()).getCheckpoint()).toBe(9);
    });
  
    it('records the identity of the log it follows once: a later one does not replace it, and every storage of the place reads it', async () => {
      const pointer = (await open()).generations();
      expect(await pointer.logIdentity()).toBeNull();
      expect(await pointer.recordLogIdentity('first-key-created')).toBe('first-key-created');
      expect(await pointer.recordLogIdentity('another-log')).toBe('first-key-created');
      await pointer.startBuilding(1);
      await pointer.switchTo(1);
      expect(await (await open()).generations().logIdentity()).toBe('first-key-created');
      expect(await pointer.read()).toEqual({ live: 1, building: null });
    });
  });
}
