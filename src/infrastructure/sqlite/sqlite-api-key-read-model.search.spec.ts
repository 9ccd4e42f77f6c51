import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeView } from '../../../test/support/api-key-view.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { SqliteApiKeyReadModel } from './sqlite-api-key-read-model.js';
import { keySearchClause, keySearchParameters } from './sqlite-key-search.js';

describe('SqliteApiKeyReadModel key search', () => {
  it('gives the names of a read model written before the search their folded form on open, so they are found', async () => {
    const dir = makeTempDir('rm-search-old');
    const file = join(dir.path, 'read-model.sqlite');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE api_keys (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT, prefix TEXT NOT NULL, secret_hash TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL, rate_limit_requests INTEGER NOT NULL, rate_limit_per_seconds INTEGER NOT NULL, created_at TEXT NOT NULL,
        revoked_at TEXT, created_position INTEGER NOT NULL, revision INTEGER NOT NULL);
      INSERT INTO api_keys VALUES ('k1', 'acme', 'Ünïcode Prod', 'sk_abcdefghi', 'h1', 'active', 10, 60, '2026-01-01T00:00:00.000Z', NULL, 1, 0);
      INSERT INTO api_keys VALUES ('k2', 'acme', NULL, 'sk_bcdefghij', 'h2', 'active', 10, 60, '2026-01-01T00:00:00.000Z', NULL, 2, 0);`);
    old.close();
    const readModel = new SqliteApiKeyReadModel(file);
    try {
      expect((await readModel.list('acme', { limit: 5, namePrefix: 'ünï' })).views.map((v) => v.id)).toEqual(['k1']);
      expect((await readModel.list('acme', { limit: 5, prefix: 'sk_bcdefghij' })).views.map((v) => v.id)).toEqual(['k2']);
    } finally {
      await readModel.close();
      dir.remove();
    }
  });

  it('folds again on open a name an earlier version changed after this one folded it: found by its new name, not its old', async () => {
    const dir = makeTempDir('rm-search-renamed');
    const file = join(dir.path, 'read-model.sqlite');
    const before = new SqliteApiKeyReadModel(file);
    const view = makeView({ accountId: 'acme', name: 'Alpha' });
    await before.save([view], 1);
    await before.close();
    // A build before the search (296ac7e) renames it after a downgrade, or beside this one in a rolling upgrade: its
    // upsert sets every column it knows, name among them, and leaves name_folded as it was.
    const older = new Database(file);
    older.prepare('UPDATE api_keys SET name = ?, revision = revision + 1 WHERE id = ?').run('Zulu', view.id);
    older.close();
    const readModel = new SqliteApiKeyReadModel(file);
    try {
      expect((await readModel.list('acme', { limit: 5, namePrefix: 'zul' })).views.map((v) => v.name)).toEqual(['Zulu']);
      expect((await readModel.list('acme', { limit: 5, namePrefix: 'alp' })).views).toEqual([]);
    } finally {
      await readModel.close();
      dir.remove();
    }
  });

  it.each([
    [{ namePrefix: 'prod' }, 'api_keys_name_search'],
    [{ prefix: 'sk_abcdefghi' }, 'api_keys_prefix_search'],
    [{ prefix: 'sk_abcdefghi', namePrefix: 'prod' }, 'api_keys_prefix_search'],
  ])('reads %j through an index led by the account, %s, not a scan of the account', async (search, index) => {
    const dir = makeTempDir('rm-search-plan');
    const file = join(dir.path, 'read-model.sqlite');
    const readModel = new SqliteApiKeyReadModel(file);
    await readModel.save([makeView({ accountId: 'acme', name: 'Prod' })], 1);
    // The statement list() runs, as prepared by the read model.
    const { source } = (readModel as unknown as { searchStatement(status: undefined, clause: object): { source: string } }).searchStatement(undefined, keySearchClause(search)!);
    await readModel.close();
    const db = new Database(file, { readonly: true });
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${source}`).all({ account: 'acme', before: 10, limit: 5, ...keySearchParameters(search) }) as Array<{ detail: string }>;
      expect(plan.map((step) => step.detail).join('\n')).toMatch(new RegExp(`SEARCH api_keys USING INDEX ${index} \\(account_id=\\? AND (prefix=\\?|name_folded>\\? AND name_folded<\\?)\\)`));
    } finally {
      db.close();
      dir.remove();
    }
  });
});
