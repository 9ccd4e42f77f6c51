import type { CheckpointStore } from '../../src/anomalies/delivery/checkpoint-store.port.js';
import type { StoreFixture } from '../support/store-fixtures.js';

export function checkpointStoreContract(adapter: string, open: () => Promise<StoreFixture<CheckpointStore>>, durable = true): void {
  describe(`CheckpointStore contract: ${adapter}`, () => {
    let fixture: StoreFixture<CheckpointStore>;

    beforeEach(async () => {
      fixture = await open();
    });
    afterEach(() => fixture.cleanup());

    it('has no position for a name never saved', async () => {
      expect(await fixture.store.get('never')).toBeNull();
    });

    it('keeps one position per name and never moves it back', async () => {
      await fixture.store.save('a', 10);
      await fixture.store.save('b', 3);
      await fixture.store.save('a', 7);
      await fixture.store.save('b', 4);
      expect(await fixture.store.get('a')).toBe(10);
      expect(await fixture.store.get('b')).toBe(4);
    });

    if (durable) {
      it('keeps positions across a reopen', async () => {
        await fixture.store.save('delivery', 42);
        fixture.store = await fixture.reopen!();
        expect(await fixture.store.get('delivery')).toBe(42);
      });
    }
  });
}
