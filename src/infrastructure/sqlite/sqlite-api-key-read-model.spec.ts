import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { SqliteApiKeyReadModel } from './sqlite-api-key-read-model.js';

describe('SqliteApiKeyReadModel on a read model written before key policies', () => {
  it('adds the new columns, and reads its keys as they were: every permission, anywhere, for ever', async () => {
    const dir = makeTempDir('rm-old');
    const file = join(dir.path, 'read-model.sqlite');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE api_keys (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT, prefix TEXT NOT NULL, secret_hash TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL, rate_limit_requests INTEGER NOT NULL, rate_limit_per_seconds INTEGER NOT NULL, created_at TEXT NOT NULL,
        revoked_at TEXT, created_position INTEGER NOT NULL, revision INTEGER NOT NULL);
      INSERT INTO api_keys VALUES ('k1', 'acme', 'old', 'sk_abcdefghi', 'h1', 'active', 10, 60, '2026-01-01T00:00:00.000Z', NULL, 1, 0);`);
    old.close();
    const readModel = new SqliteApiKeyReadModel(file);
    try {
      expect(await readModel.findById('acme', 'k1')).toMatchObject({
        name: 'old',
        status: 'active',
        permissions: ['*'],
        allowedIps: [],
        expiresAt: null,
        disabled: false,
        endsAt: null,
        rotation: null,
      });
      expect((await readModel.list('acme', { limit: 5, status: 'active', now: new Date().toISOString() })).views).toHaveLength(1);
    } finally {
      await readModel.close();
      dir.remove();
    }
  });
});

describe('SqliteApiKeyReadModel on a read model written by the first versions (before rate limits, 766103d)', () => {
  it('adds the rate-limit columns with the limit the codec gives those keys, instead of refusing to start', async () => {
    const dir = makeTempDir('rm-first');
    const file = join(dir.path, 'read-model.sqlite');
    const old = new Database(file);
    // The layout 766103d wrote (2026-11-27 06:03): no rate-limit columns, a last_used_at column no later version reads.
    old.exec(`
      CREATE TABLE api_keys (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT, prefix TEXT NOT NULL, secret_hash TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT, last_used_at TEXT, created_position INTEGER NOT NULL, revision INTEGER NOT NULL);
      CREATE INDEX api_keys_listing ON api_keys (account_id, created_position DESC);
      CREATE TABLE checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL);
      INSERT INTO api_keys VALUES ('k1', 'acme', 'first', 'sk_abcdefghi', 'h1', 'active', '2026-11-27T06:10:00.000Z', NULL, NULL, 1, 0);
      INSERT INTO checkpoints VALUES ('api-keys', 1);`);
    old.close();
    const readModel = new SqliteApiKeyReadModel(file);
    try {
      expect(await readModel.findById('acme', 'k1')).toMatchObject({ name: 'first', status: 'active', rateLimit: { requests: 1000, perSeconds: 60 }, permissions: ['*'] });
    } finally {
      await readModel.close();
      dir.remove();
    }
  });
});
