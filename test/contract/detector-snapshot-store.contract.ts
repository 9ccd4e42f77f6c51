import type { DetectorSnapshotStore } from '../../src/anomalies/detection/detector-snapshot-store.port.js';
import type { StoreFixture } from '../support/store-fixtures.js';

export function detectorSnapshotStoreContract(adapter: string, open: () => Promise<StoreFixture<DetectorSnapshotStore>>, durable = true): void {
  describe(`DetectorSnapshotStore contract: ${adapter}`, () => {
    let fixture: StoreFixture<DetectorSnapshotStore>;

    beforeEach(async () => {
      fixture = await open();
    });
    afterEach(() => fixture.cleanup());

    it('has no snapshot before the first save and after a clear', async () => {
      expect(await fixture.store.load()).toBeNull();
      await fixture.store.save({ position: 5, state: '{"a":1}' });
      await fixture.store.clear();
      expect(await fixture.store.load()).toBeNull();
    });

    it('gives back the last snapshot saved, whole', async () => {
      await fixture.store.save({ position: 5, state: '{"a":1}' });
      await fixture.store.save({ position: 9, state: '{"a":2,"é":"ü"}' });
      expect(await fixture.store.load()).toEqual({ position: 9, state: '{"a":2,"é":"ü"}' });
    });

    it('keeps a snapshot larger than a MongoDB document', async () => {
      const state = JSON.stringify({ filler: 'x'.repeat(9 * 1024 * 1024), end: 'é'.repeat(3 * 1024 * 1024) });
      await fixture.store.save({ position: 1, state: 'small' });
      await fixture.store.save({ position: 2, state });
      const loaded = await fixture.store.load();
      expect(loaded?.position).toBe(2);
      expect(loaded?.state.length).toBe(state.length);
      expect(loaded?.state === state).toBe(true);
    });

    if (durable) {
      it('keeps the snapshot across a reopen', async () => {
        await fixture.store.save({ position: 42, state: '{"kept":true}' });
        fixture.store = await fixture.reopen!();
        expect(await fixture.store.load()).toEqual({ position: 42, state: '{"kept":true}' });
      });
    }
  });
}
