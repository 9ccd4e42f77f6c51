import type { Storage } from '../../src/app/storage/storage.js';
import type { StoreFixture } from '../support/store-fixtures.js';
import { partsOf } from './detector-snapshot-store.contract.js';

/** What each technology's read-model storage promises, whichever stores the features ask it for. */
export function readModelStorageContract(adapter: string, open: () => Promise<StoreFixture<Storage>>, durable = true): void {
  describe(`ReadModelStorage contract: ${adapter}`, () => {
    let fixture: StoreFixture<Storage>;

    beforeEach(async () => {
      fixture = await open();
    });
    afterEach(() => fixture.cleanup());

    it('opens each store once, however many callers ask at once', async () => {
      const storage = fixture.store;
      const [a, b] = await Promise.all([storage.apiKeyReadModel(), storage.apiKeyReadModel()]);
      expect(a).toBe(b);
      expect(await storage.keyUsageReadModel()).toBe(await storage.keyUsageReadModel());
      expect(await storage.alertReadModel()).toBe(await storage.alertReadModel());
      expect(await storage.detectorSnapshotStore()).toBe(await storage.detectorSnapshotStore());
      expect(await storage.deliveryCheckpointStore()).toBe(await storage.deliveryCheckpointStore());
    });

    it('answers a ping', async () => {
      await expect(fixture.store.ping()).resolves.toBeUndefined();
    });

    it('keeps every store apart: a checkpoint of one read model is not another’s', async () => {
      const storage = fixture.store;
      await (await storage.apiKeyReadModel()).save([], 5);
      expect(await (await storage.apiKeyReadModel()).getCheckpoint()).toBe(5);
      expect(await (await storage.keyUsageReadModel()).getCheckpoint()).toBeNull();
      expect(await (await storage.alertReadModel()).getCheckpoint()).toBeNull();
      expect(await (await storage.deliveryCheckpointStore()).get('api-keys')).toBeNull();
    });

    if (durable) {
      it('finds what its stores wrote after it is closed and opened again', async () => {
        await (await fixture.store.keyUsageReadModel()).save([], 9);
        await (await fixture.store.deliveryCheckpointStore()).save('alert-webhook', 4);
        await (await fixture.store.detectorSnapshotStore()).save({ position: 3, parts: ['{}'] });
        fixture.store = await fixture.reopen!();
        expect(await (await fixture.store.keyUsageReadModel()).getCheckpoint()).toBe(9);
        expect(await (await fixture.store.deliveryCheckpointStore()).get('alert-webhook')).toBe(4);
        const snapshot = await (await fixture.store.detectorSnapshotStore()).load();
        expect({ position: snapshot?.position, parts: await partsOf(snapshot) }).toEqual({ position: 3, parts: ['{}'] });
      });
    }
  });
}
