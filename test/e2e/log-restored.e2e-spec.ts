import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from '../support/child-env.js';
import { MongoClient } from 'mongodb';
import { whenMongo } from '../support/mongodb-fixture.js';
import { createKeyWithCli, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const run = promisify(execFile);

/**
 * The event log restored from a backup taken earlier, the read-model files kept (operations.md says to remove
 * them; an operator may not): the read models had reached positions past the restored log's end, which the
 * events appended next take again.
 */
async function restoredUnderNewerReadModels(readModel: Record<string, string>): Promise<void> {
    const dir = makeTempDir('log-restored');
    const dataDir = join(dir.path, 'data');
    const first = createKeyWithCli(dataDir, [], readModel);
    const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
    const output: string[] = [];
    let service = await startServiceProcess({ DATA_DIR: dataDir, USAGE_FLUSH_INTERVAL_MS: '10', ...readModel });
    try {
      const copy = join(dir.path, 'events-backup.sqlite');
      await run(process.execPath, ['dist/cli.js', 'backup', copy], { env: childEnv({ DATA_DIR: dataDir, ...readModel }) });
      const created = await Promise.all(
        ['after-backup-1', 'after-backup-2', 'after-backup-3'].map(async (name) => {
          const response = await fetch(`${service.url}/v1/api-keys`, { method: 'POST', headers: auth(first.key), body: JSON.stringify({ name }) });
          expect(response.status).toBe(201);
          return (await response.json()) as { id: string; key: string };
        }),
      );
      expect((await fetch(`${service.url}/v1/api-keys`, { headers: auth(created[0].key) })).status).toBe(200);
      service.child.kill('SIGTERM');
      await service.exited;

      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `events.sqlite${suffix}`), { force: true });
      copyFileSync(copy, join(dataDir, 'events.sqlite'));
      if (!readModel.MONGODB_URL) expect(existsSync(join(dataDir, 'read-model.sqlite'))).toBe(true);

      service = await startServiceProcess({ DATA_DIR: dataDir, USAGE_FLUSH_INTERVAL_MS: '10', ...readModel }, { output });
      // A key the restored log never created does not authenticate, though the kept read model held it.
      expect((await fetch(`${service.url}/v1/api-keys`, { headers: auth(created[0].key) })).status).toBe(401);
      const later = await fetch(`${service.url}/v1/api-keys`, { method: 'POST', headers: auth(first.key), body: JSON.stringify({ name: 'after-restore' }) });
      expect(later.status).toBe(201);
      const { id: laterId, key: laterKey } = (await later.json()) as { id: string; key: string };
      expect((await fetch(`${service.url}/v1/api-keys/${laterId}`, { headers: auth(laterKey) })).status).toBe(200);
      const listed = (await (await fetch(`${service.url}/v1/api-keys`, { headers: auth(first.key) })).json()) as { data: { id: string }[] };
      expect(listed.data.map((key) => key.id).sort()).toEqual([first.id, laterId].sort());
      expect(output.join('')).toMatch(/Projection api-keys had reached position \d+ of the event log, which ends at \d+: the log was restored from an earlier copy or replaced/);
      expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
      dir.remove();
    }
}

/**
 * The CLI's restore under a read model kept outside DATA_DIR (MongoDB), then keys created with the CLI before the
 * start: until 2026-12-06 they took the positions the replaced log had given past the backup, the read model's
 * checkpoint was within the log again, and it kept the replaced log's views (a key revoked after the backup still
 * refused) and never read those keys.
 */
async function restoredThenAppendedBeforeStart(readModel: Record<string, string>): Promise<void> {
  const dir = makeTempDir('log-restored-appended');
  const dataDir = join(dir.path, 'data');
  const env = { DATA_DIR: dataDir, USAGE_FLUSH_INTERVAL_MS: '10', ...readModel };
  const first = createKeyWithCli(dataDir, [], readModel);
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  let service = await startServiceProcess(env);
  try {
    const copy = join(dir.path, 'events-backup.sqlite');
    await run(process.execPath, ['dist/cli.js', 'backup', copy], { env: childEnv(env) });
    for (let use = 0; use < 3; use++) expect((await fetch(`${service.url}/v1/whoami`, { headers: auth(first.key) })).status).toBe(200);
    await run(process.execPath, ['dist/cli.js', 'revoke', first.id], { env: childEnv(env) });
    for (let tries = 0; (await fetch(`${service.url}/v1/whoami`, { headers: auth(first.key) })).status !== 401; tries++) {
      if (tries > 100) throw new Error('the revocation was not read');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    service.child.kill('SIGTERM');
    await service.exited;

    const restored = JSON.parse((await run(process.execPath, ['dist/cli.js', 'restore', copy, '--json'], { env: childEnv(env) })).stdout);
    // One more key than the replaced log had events past the backup: the last is past every checkpoint it left.
    const created = Array.from({ length: restored.replaced.summary.position - restored.restored.position + 1 }, () => createKeyWithCli(dataDir, [], readModel));
    const output: string[] = [];
    service = await startServiceProcess(env, { output });
    // The restored log's: the revocation came after the backup.
    expect((await fetch(`${service.url}/v1/whoami`, { headers: auth(first.key) })).status).toBe(200);
    for (const key of created) expect((await fetch(`${service.url}/v1/whoami`, { headers: auth(key.key) })).status).toBe(200);
    const listed = (await (await fetch(`${service.url}/v1/api-keys`, { headers: auth(first.key) })).json()) as { data: { id: string }[] };
    expect(listed.data.map((key) => key.id).sort()).toEqual([first.id, ...created.map((key) => key.id)].sort());
    expect(output.join('')).toMatch(/Projection api-keys had reached position \d+ of the event log, which a restore replaced by a copy ending at \d+/);
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
    dir.remove();
  }
}

describe('an event log restored from an earlier backup under newer read models', () => {
  it('starts the embedded read models over within the restored log: keys created after the backup are gone, keys created after the restore are served', () =>
    restoredUnderNewerReadModels({}), 60_000);
});

whenMongo('Restored log under a MongoDB read model e2e', (url) =>
  describe('an embedded event log restored from an earlier backup under a newer MongoDB read model', () => {
    const db = `log_restored_${process.pid}`;
    afterAll(async () => {
      const client = await MongoClient.connect(url);
      await client.db(db).dropDatabase();
      await client.close();
    });
    it('starts the read models over within the restored log, as on the embedded ones', () => restoredUnderNewerReadModels({ MONGODB_URL: url, MONGODB_DB: db }), 120_000);
    it('starts them over after restore even once keys created before the start pass the replaced log\'s end', async () => {
      await restoredThenAppendedBeforeStart({ MONGODB_URL: url, MONGODB_DB: `${db}_appended` });
      const client = await MongoClient.connect(url);
      await client.db(`${db}_appended`).dropDatabase();
      await client.close();
    }, 180_000);
  }),
);
