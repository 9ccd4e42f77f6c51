import { randomBytes } from 'node:crypto';
import type { AlertReadModel } from '../../src/anomalies/projection/alert-read-model.port.js';
import type { AlertView } from '../../src/anomalies/projection/alert-view.js';

export interface AlertReadModelFixture {
  readModel: AlertReadModel;
  cleanup(): Promise<void>;
}

let position = 1;

function makeAlert(overrides: Partial<AlertView> = {}): AlertView {
  return {
    alertId: randomBytes(16).toString('hex'),
    rule: 'revoked_key_used',
    keyId: '550e8400-e29b-41d4-a716-446655440000',
    accountId: 'acct_a',
    ip: '203.0.113.7',
    evidence: { attempts: 1 },
    windowStart: '2026-01-01T00:00:00.000Z',
    windowEnd: '2026-01-01T01:00:00.000Z',
    detectedAt: '2026-01-01T00:10:00.000Z',
    position: position++,
    revision: 0,
    ...overrides,
  };
}

/** Behaviour every alerts read model adapter must have. Each fixture starts empty. */
export function alertReadModelContract(name: string, open: () => Promise<AlertReadModelFixture>): void {
  describe(`AlertReadModel contract: ${name}`, () => {
    let fixture: AlertReadModelFixture;
    let readModel: AlertReadModel;

    beforeEach(async () => {
      fixture = await open();
      readModel = fixture.readModel;
    });
    afterEach(async () => fixture.cleanup());

    it('stores alerts once and lists one account newest first, filtered and paged', async () => {
      const spike = makeAlert({ rule: 'rate_spike' });
      const revoked = makeAlert();
      const otherKey = makeAlert({ keyId: '660e8400-e29b-41d4-a716-446655440000' });
      const foreign = makeAlert({ accountId: 'acct_b' });
      const ownerless = makeAlert({ accountId: null, keyId: null, rule: 'failed_auth_burst' });
      await readModel.save([spike, revoked, otherKey, foreign, ownerless], 10);
      await readModel.save([{ ...revoked, evidence: { changed: true } }], 10);

      const all = await readModel.list('acct_a', { limit: 10 });
      expect(all.views.map((v) => v.alertId)).toEqual([otherKey.alertId, revoked.alertId, spike.alertId]);
      expect(all.views[1]).toEqual(revoked);
      expect((await readModel.list('acct_a', { limit: 10, rule: 'rate_spike' })).views).toEqual([spike]);
      expect((await readModel.list('acct_a', { limit: 10, keyId: otherKey.keyId! })).views).toEqual([otherKey]);
      const page = await readModel.list('acct_a', { limit: 2 });
      expect(page.hasMore).toBe(true);
      const rest = await readModel.list('acct_a', { limit: 2, beforePosition: page.views[1].position });
      expect(rest).toEqual({ views: [spike], hasMore: false });
      expect(await readModel.findById('acct_a', foreign.alertId)).toBeNull();
      expect(await readModel.findById('acct_b', foreign.alertId)).toEqual(foreign);
      expect(await readModel.getCheckpoint()).toBe(10);
    });

    it("replaces an alert by its archived stub (a later revision), which is neither listed nor found, and which the alert saved again does not bring back", async () => {
      const kept = makeAlert();
      const archived = makeAlert({ rule: 'many_addresses', ip: '198.51.100.1', evidence: { addresses: ['198.51.100.1', '198.51.100.2'] } });
      await readModel.save([kept, archived], 10);
      const stub: AlertView = { ...archived, keyId: null, accountId: null, ip: null, evidence: {}, position: 20, revision: 1 };
      await readModel.save([stub], 20);
      await readModel.save([archived], 21);

      expect((await readModel.list('acct_a', { limit: 10 })).views).toEqual([kept]);
      expect((await readModel.list('acct_a', { limit: 10, rule: 'many_addresses' })).views).toEqual([]);
      expect(await readModel.findById('acct_a', archived.alertId)).toBeNull();
      expect((await readModel.getMany([archived.alertId])).get(archived.alertId)).toEqual(stub);
    });

    it('resets to empty for a rebuild', async () => {
      await readModel.save([makeAlert()], 3);
      await readModel.reset();
      expect(await readModel.getCheckpoint()).toBeNull();
      expect((await readModel.list('acct_a', { limit: 10 })).views).toEqual([]);
    });
  });
}
