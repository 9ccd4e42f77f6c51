import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, readdirSync, readFileSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from '../support/child-env.js';
import { createKeyWithCli, freePort, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

function cli(args: string[], dataDir: string) {
  return spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dataDir }) });
}

/** Random bytes over the file's first 8 KB, its header included, as `dd conv=notrunc` would. */
function scramble(file: string): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, randomBytes(8192), 0, 8192, 0);
  closeSync(fd);
}

/** A data directory with three keys and a read model the service made and left (stopped). */
async function dataDirWithReadModel(): Promise<{ dir: ReturnType<typeof makeTempDir>; keys: { id: string; key: string }[] }> {
  const dir = makeTempDir('corrupt-files');
  const keys = [createKeyWithCli(dir.path), createKeyWithCli(dir.path), createKeyWithCli(dir.path)];
  const service = await startServiceProcess({ DATA_DIR: dir.path });
  await fetch(`${service.url}/v1/api-keys`, { headers: { authorization: `Bearer ${keys[0].key}` } });
  service.child.kill('SIGTERM');
  await service.exited;
  return { dir, keys };
}

const setAside = (dataDir: string) => readdirSync(dataDir).filter((name) => /^read-model\.sqlite\.corrupt-/.test(name));

describe('A corrupt file of the embedded store', () => {
  it('read-model.sqlite, at start: set aside with one warning naming it, rebuilt from the log, the service serves every key', async () => {
    const { dir, keys } = await dataDirWithReadModel();
    try {
      scramble(join(dir.path, 'read-model.sqlite'));
      const output: string[] = [];
      const service = await startServiceProcess({ DATA_DIR: dir.path, LOG_FORMAT: 'json' }, { output });
      try {
        const listed = await fetch(`${service.url}/v1/api-keys`, { headers: { authorization: `Bearer ${keys[0].key}` } });
        expect(listed.status).toBe(200);
        expect(((await listed.json()) as { data: { id: string }[] }).data.map((k) => k.id).sort()).toEqual(keys.map((k) => k.id).sort());
        const warnings = output.join('').split('\n').filter((line) => line.includes('is corrupt'));
        expect(warnings).toHaveLength(1);
        expect(JSON.parse(warnings[0])).toMatchObject({
          level: 'warn',
          msg: expect.stringMatching(/^Read-model file .*read-model\.sqlite is corrupt \(file is not a database\): .*read-model\.sqlite\.corrupt-.*rebuilt from the event log$/),
        });
        expect(setAside(dir.path)).toHaveLength(1);
      } finally {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('read-model.sqlite, in `replay` and `list`: set aside with a warning, rebuilt, exit 0', async () => {
    const { dir, keys } = await dataDirWithReadModel();
    try {
      truncateSync(join(dir.path, 'read-model.sqlite'), 20_000);
      const replay = cli(['replay'], dir.path);
      expect(replay.stderr).toMatch(/^warn: Read-model file .*read-model\.sqlite is corrupt \(database disk image is malformed\): /m);
      expect(replay.status).toBe(0);
      expect(replay.stdout).toMatch(/^Rebuilt read-model generation 1 from \d+ events/);

      scramble(join(dir.path, 'read-model.sqlite'));
      const list = cli(['list', '--account', 'acme', '--json'], dir.path);
      expect(list.stderr).toMatch(/^warn: Read-model file .*read-model\.sqlite is corrupt \(file is not a database\)/m);
      expect(list.status).toBe(0);
      expect(JSON.parse(list.stdout).data.map((k: { id: string }) => k.id).sort()).toEqual(keys.map((k) => k.id).sort());
      expect(setAside(dir.path)).toHaveLength(2);
    } finally {
      dir.remove();
    }
  }, 60_000);

  // Not set aside before: `replay` made its generation live, then ended on a bare "file is not a database".
  it('service-heartbeats.sqlite, in `replay` and at start: set aside with one warning, a new one made, exit 0 and heartbeats written', async () => {
    const { dir, keys } = await dataDirWithReadModel();
    try {
      const heartbeats = join(dir.path, 'service-heartbeats.sqlite');
      const warning = /Heartbeats file .*service-heartbeats\.sqlite is corrupt \(file is not a database\): it was renamed aside .* nothing is lost/;
      writeFileSync(heartbeats, randomBytes(8192));
      const replay = cli(['replay'], dir.path);
      // After the progress bar's last \r, on its line.
      expect(replay.stderr.match(/warn: .*/g)).toEqual([expect.stringMatching(warning)]);
      expect(replay.status).toBe(0);
      expect(replay.stdout).toMatch(/^Rebuilt read-model generation \d+ from \d+ events .*; it is live\.$/m);

      writeFileSync(heartbeats, randomBytes(8192));
      const output: string[] = [];
      const service = await startServiceProcess({ DATA_DIR: dir.path, LOG_FORMAT: 'json' }, { output });
      try {
        expect((await fetch(`${service.url}/v1/api-keys`, { headers: { authorization: `Bearer ${keys[0].key}` } })).status).toBe(200);
        // The service's own heartbeat, in the new file, is what `replay` counts.
        const again = cli(['replay', '--json'], dir.path);
        expect(again.status).toBe(0);
        expect(JSON.parse(again.stdout)).toMatchObject({ running_services: 1 });
        const lines = output.join('').split('\n').filter((line) => line.includes('Heartbeat'));
        expect(lines).toEqual([expect.stringMatching(warning)]);
        expect(JSON.parse(lines[0])).toMatchObject({ level: 'warn', context: 'ServiceHeartbeat' });
      } finally {
        service.child.kill('SIGTERM');
        await service.exited;
      }
      expect(readdirSync(dir.path).filter((name) => name.startsWith('service-heartbeats.sqlite.corrupt-'))).toHaveLength(2);
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('events.sqlite: never touched; the CLI and the start name the file, say it is the event log, and to restore it', async () => {
    const { dir } = await dataDirWithReadModel();
    try {
      const log = join(dir.path, 'events.sqlite');
      scramble(log);
      const damaged = readFileSync(log);
      const expected = new RegExp(`The event log ${log.replace(/[.]/g, '\\.')} is corrupt \\(file is not a database\\)\\. It is the source of truth .*restore it from a backup`);
      // backup said a bare "file is not a database".
      for (const args of [['replay'], ['list', '--account', 'acme'], ['backup', join(dir.path, 'copy.sqlite')]]) {
        const run = cli(args, dir.path);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(expected);
      }
      expect(existsSync(join(dir.path, 'copy.sqlite'))).toBe(false);
      const start = spawnSync(process.execPath, ['dist/main.js'], { encoding: 'utf8', env: childEnv({ DATA_DIR: dir.path, LOG_FORMAT: 'json', PORT: String(await freePort()) }) });
      expect(start.status).toBe(1);
      expect(JSON.parse(`${start.stdout}${start.stderr}`.trim())).toMatchObject({ level: 'fatal', msg: 'cannot start', error: expect.stringMatching(expected) });
      expect(readFileSync(log).equals(damaged)).toBe(true);
      expect(setAside(dir.path)).toEqual([]);
    } finally {
      dir.remove();
    }
  }, 60_000);
});
