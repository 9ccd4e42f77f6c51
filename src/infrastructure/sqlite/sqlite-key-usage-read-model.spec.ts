import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { SqliteKeyUsageReadModel } from './sqlite-key-usage-read-model.js';

describe('SqliteKeyUsageReadModel on a read model written before refusals were counted', () => {
  it('adds the refused column, reads its views as having none, and counts them from then on', async () => {
    const dir = makeTempDir('usage-old');
    const file = join(dir.path, 'read-model.sqlite');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE key_usage (key_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, accepted INTEGER NOT NULL, rate_limited INTEGER NOT NULL,
        first_used_at TEXT NOT NULL, last_used_at TEXT NOT NULL, last_ip TEXT, last_user_agent TEXT, hourly TEXT NOT NULL, revision INTEGER NOT NULL);
      INSERT INTO key_usage VALUES ('k1', 'acme', 4, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:30:00.000Z', '203.0.113.7', NULL,
        '[{"hour":"2026-01-01T00:00:00.000Z","count":5}]', 4);`);
    old.close();
    const readModel = new SqliteKeyUsageReadModel(file);
    try {
      const view = (await readModel.getMany(['k1'])).get('k1')!;
      expect(view).toMatchObject({ accepted: 4, rateLimited: 1, refused: 0 });
      expect((await readModel.summaries(['k1'])).get('k1')).toEqual({ accepted: 4, rateLimited: 1, refused: 0, lastUsedAt: '2026-01-01T00:30:00.000Z' });
      await readModel.save([{ ...view, refused: 1, revision: 5 }], 9);
      expect((await readModel.summaries(['k1'])).get('k1')).toMatchObject({ refused: 1 });
    } finally {
      await readModel.close();
    }
    // Opened again (a second restart): the column is there, nothing is added twice.
    const again = new SqliteKeyUsageReadModel(file);
    try {
      expect((await again.getMany(['k1'])).get('k1')).toMatchObject({ refused: 1, revision: 5 });
    } finally {
      await again.close();
      dir.remove();
    }
  });
});
