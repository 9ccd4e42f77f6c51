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

    it('moves a position back only when rewound (a log restored from an earlier copy), and never saves one by it', async () => {
      await fixture.store.save('a', 10);
      await fixture.store.save('b', 5);
      await fixture.store.rewind('a', 6);
      await fixture.store.rewind('b', 0);
      await fixture.store.rewind('never', 3);
      expect(await fixture.store.get('a')).toBe(6);
      expect(await fixture.store.get('b')).toBe(0);
      expect(await fixture.store.get('never')).toBeNull();
      await fixture.store.save('a', 8);
      expect(await fixture.store.get('a')).toBe(8);
    });

    it('leases delivery to one holder at a time: renewed by it, taken over only once it has run out', async () => {
      const { store } = fixture;
      expect(await store.lease('delivery', 'a', 1_000, 61_000)).toBe(true);
      expect(await store.lease('delivery', 'b', 2_000, 62_000)).toBe(false);
      expect(await store.lease('delivery', 'a', 30_000, 90_000)).toBe(true);
      expect(await store.lease('other', 'b', 30_000, 90_000)).toBe(true);
      expect(await store.lease('delivery', 'b', 89_999, 150_000)).toBe(false);
      expect(await store.lease('delivery', 'b', 90_000, 150_000)).toBe(true);
      expect(await store.lease('delivery', 'a', 100_000, 160_000)).toBe(false);
    });

    it('says who holds a lease and until when, live or run out', async () => {
      expect(await fixture.store.leaseHolder('delivery')).toBeNull();
      await fixture.store.lease('delivery', 'a', 1_000, 61_000);
      expect(await fixture.store.leaseHolder('delivery')).toEqual({ holder: 'a', untilMs: 61_000 });
      await fixture.store.lease('delivery', 'b', 61_000, 121_000);
      expect(await fixture.store.leaseHolder('delivery')).toEqual({ holder: 'b', untilMs: 121_000 });
    });

    it('gives a lease nobody holds to exactly one of several asking at once', async () => {
      const holders = ['a', 'b', 'c', 'd', 'e', 'f'];
      const taken = await Promise.all(holders.map((holder) => fixture.store.lease('contended', holder, 1_000, 61_000)));
      expect(taken.filter(Boolean)).toHaveLength(1);
    });

    it("keeps each name's failed delivery attempts until cleared, for the next holder of the lease", async () => {
      const { store } = fixture;
      expect(await store.failures('delivery')).toBeNull();
      await store.saveFailures('delivery', { alertId: 'alert-1', attempts: 3, lastAtMs: 1_000 });
      await store.saveFailures('delivery', { alertId: 'alert-1', attempts: 5, lastAtMs: 9_000 });
      await store.saveFailures('other', { alertId: 'alert-7', attempts: 1, lastAtMs: 2_000 });
      expect(await store.failures('delivery')).toEqual({ alertId: 'alert-1', attempts: 5, lastAtMs: 9_000 });
      await store.saveFailures('delivery', null);
      expect([await store.failures('delivery'), await store.failures('other')]).toEqual([null, { alertId: 'alert-7', attempts: 1, lastAtMs: 2_000 }]);
    });

    if (durable) {
      it('keeps positions and failed attempts across a reopen', async () => {
        await fixture.store.save('delivery', 42);
        await fixture.store.saveFailures('delivery', { alertId: 'alert-2', attempts: 4, lastAtMs: 5_000 });
        fixture.store = await fixture.reopen!();
        expect(await fixture.store.get('delivery')).toBe(42);
        expect(await fixture.store.failures('delivery')).toEqual({ alertId: 'alert-2', attempts: 4, lastAtMs: 5_000 });
      });
    }
  });
}
