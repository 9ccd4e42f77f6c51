import { join } from 'node:path';
import { jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { AlertView } from '../../anomalies/projection/alert-view.js';
import { SqliteAlertReadModel } from './sqlite-alert-read-model.js';

function alert(n: number, keyId: string, rule: AlertView['rule']): AlertView {
  return {
    alertId: `alert-${n}`,
    rule,
    keyId,
    accountId: 'acme',
    ip: '203.0.113.7',
    evidence: { n },
    windowStart: '2026-01-01T00:00:00.000Z',
    windowEnd: '2026-01-01T01:00:00.000Z',
    detectedAt: '2026-01-01T00:10:00.000Z',
    position: n,
    revision: 0,
  };
}

/** What SQLite's plan says a statement searches its index by, its parameters bound whatever their form. */
function searchedBy(db: Database.Database, sql: string): string {
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const named = { account: 'acme', before: 1e9, keyId: 'k', rule: 'new_network', limit: 21 };
  const positional = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null);
  const plan = (/@\w+/.test(sql) ? statement.all(named) : statement.all(...positional)) as { detail: string }[];
  return plan.map((step) => step.detail).join('; ');
}

describe('SqliteAlertReadModel listing filtered by key or rule', () => {
  it('searches an index by the filter: a key with no alert in a large account reads none of its alerts', async () => {
    const dir = makeTempDir('alerts-filter');
    const file = join(dir.path, 'read-model.sqlite');
    const prepared: string[] = [];
    const prepare = Database.prototype.prepare;
    const spy = jest.spyOn(Database.prototype, 'prepare').mockImplementation(function (this: Database.Database, sql: string) {
      prepared.push(sql);
      return prepare.call(this, sql);
    } as typeof prepare);
    const readModel = new SqliteAlertReadModel(file);
    try {
      const views = Array.from({ length: 300 }, (_, i) => alert(i + 1, `key-${i % 3}`, i % 2 === 0 ? 'new_network' : 'rate_spike'));
      await readModel.save(views, 300);
      // What each filter lists, newest first, paged exactly.
      const byKey = await readModel.list('acme', { limit: 20, keyId: 'key-1' });
      expect(byKey.views.map((v) => v.position)).toEqual(Array.from({ length: 20 }, (_, i) => 299 - 3 * i));
      expect(byKey.hasMore).toBe(true);
      const byRule = await readModel.list('acme', { limit: 5, rule: 'rate_spike', beforePosition: 100 });
      expect(byRule.views.map((v) => v.position)).toEqual([98, 96, 94, 92, 90]);
      const both = await readModel.list('acme', { limit: 100, keyId: 'key-2', rule: 'new_network' });
      expect(both.views.map((v) => v.position)).toEqual(views.filter((v) => v.keyId === 'key-2' && v.rule === 'new_network').map((v) => v.position).reverse());
      expect((await readModel.list('acme', { limit: 20, keyId: 'no-such-key' })).views).toEqual([]);
      expect((await readModel.list('acme', { limit: 3 })).views.map((v) => v.position)).toEqual([300, 299, 298]);
    } finally {
      spy.mockRestore();
      await readModel.close();
    }

    // Every listing query the read model ran with a filter is a search of an index by that filter, not a walk of the
    // account's alerts (before: account_id=? AND position<?, the filter checked row by row).
    const db = new Database(file, { readonly: true });
    try {
      const listings = prepared.filter((sql) => /FROM alerts WHERE account_id/.test(sql) && /key_id|rule/.test(sql.split('WHERE')[1]));
      expect(listings.length).toBeGreaterThan(0);
      for (const sql of listings) {
        const filter = sql.split('WHERE')[1];
        const searched = searchedBy(db, sql);
        expect(searched).toMatch(/SEARCH alerts USING INDEX/);
        // Both filters: either index bounds the walk by one of them.
        if (/key_id/.test(filter) && /rule/.test(filter)) expect(searched).toMatch(/key_id=\?|rule=\?/);
        else if (/key_id/.test(filter)) expect(searched).toMatch(/key_id=\?/);
        else expect(searched).toMatch(/rule=\?/);
      }
    } finally {
      db.close();
      dir.remove();
    }
  });
});
