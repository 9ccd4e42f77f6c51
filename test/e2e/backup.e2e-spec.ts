import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from '../support/child-env.js';
import { countEvents, createKeyWithCli, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const run = promisify(execFile);

describe('CLI backup of the embedded event log', () => {
  it('copies the log while the service writes to it; the copy, put in place as events.sqlite, serves every key', async () => {
    const dir = makeTempDir('backup');
    const dataDir = join(dir.path, 'data');
    const keys = [createKeyWithCli(dataDir), createKeyWithCli(dataDir), createKeyWithCli(dataDir)];
    const service = await startServiceProcess({ DATA_DIR: dataDir, USAGE_FLUSH_INTERVAL_MS: '10' });
    let loading = true;
    const load = (async () => {
      let uses = 0;
      while (loading) {
        await Promise.all(keys.map((k) => fetch(`${service.url}/v1/api-keys?limit=1`, { headers: { authorization: `Bearer ${k.key}` } })));
        uses += keys.length;
      }
      return uses;
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const copy = join(dir.path, 'events-backup.sqlite');
      const backup = await run(process.execPath, ['dist/cli.js', 'backup', copy, '--json'], { env: childEnv({ DATA_DIR: dataDir }) });
      const summary = JSON.parse(backup.stdout);
      expect(summary).toEqual({ file: copy, events: expect.any(Number), position: expect.any(Number), bytes: expect.any(Number) });
      expect(summary.events).toBeGreaterThan(keys.length); // uses were being written meanwhile
      loading = false;
      expect(await load).toBeGreaterThan(0);

      const restored = join(dir.path, 'restored');
      mkdirSync(restored);
      copyFileSync(copy, join(restored, 'events.sqlite'));
      expect(countEvents(restored, 'KeyCreated')).toBe(keys.length);
      const list = spawnSync(process.execPath, ['dist/cli.js', 'list', '--account', 'acme', '--json'], { encoding: 'utf8', env: childEnv({ DATA_DIR: restored }) });
      expect(list.status).toBe(0);
      expect(JSON.parse(list.stdout).data.map((k: { id: string }) => k.id).sort()).toEqual(keys.map((k) => k.id).sort());

      // A second backup into the same file is refused: nothing is overwritten.
      const again = spawnSync(process.execPath, ['dist/cli.js', 'backup', copy], { encoding: 'utf8', env: childEnv({ DATA_DIR: dataDir }) });
      expect(again.status).toBe(1);
      expect(again.stderr).toBe(`error: ${copy} exists: back up into a new file\n`);
    } finally {
      loading = false;
      await load.catch(() => 0);
      service.child.kill('SIGTERM');
      await service.exited;
      dir.remove();
    }
  }, 60_000);

  it('refuses with EVENTSTORE_URL: EventStoreDB is backed up with its own tools', () => {
    const dir = makeTempDir('backup');
    try {
      const cli = spawnSync(process.execPath, ['dist/cli.js', 'backup', join(dir.path, 'copy.sqlite')], {
        encoding: 'utf8',
        env: childEnv({ DATA_DIR: dir.path, EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false' }),
      });
      expect(cli.status).toBe(1);
      expect(cli.stderr).toBe('error: backup copies the embedded log (DATA_DIR): with EVENTSTORE_URL, back up EventStoreDB with its own tools\n');
    } finally {
      dir.remove();
    }
  });
});
