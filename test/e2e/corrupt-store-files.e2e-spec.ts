import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, readdirSync, readFileSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from '../support/child-env.js';
import { damageLogIndexes } from '../support/damaged-log.js';
import { damageTablePages } from '../support/damaged-pages.js';
import { eventually } from '../support/eventually.js';
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
      const expected = new RegExp(`The event log ${log.replace(/[.]/g, '\\.')} is corrupt \\(file is not a database\\)\\. It is the source of truth: .*restore it from a backup with the CLI: restore <backup file>`);
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

const METRICS_TOKEN = 'damage-e2e-metrics-token';
const lines = (output: string[]) =>
  output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; msg: string; type?: string; status?: number });
const readiness = async (url: string) => {
  const answer = await fetch(`${url}/health/ready`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  return { status: answer.status, body: (await answer.json()) as { details: Record<string, Record<string, unknown>> } };
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('A file of the embedded store SQLite finds damaged while the service runs (a page no start reads)', () => {
  // Every request that read it answered 500 api_error with an error line each, the projections writing it retried
  // (and logged) every 5 s without end, readiness said nothing, and a restart kept the damaged file.
  it('read-model.sqlite: 503 with Retry-After, one error line naming it, readiness still ready and saying so; a restart sets it aside and rebuilds', async () => {
    const { dir, keys } = await dataDirWithReadModel();
    const [{ id, key }] = keys;
    const page = (url: string) => fetch(`${url}/v1/api-keys/${id}`, { headers: { authorization: `Bearer ${key}` } });
    try {
      const output: string[] = [];
      const service = await startServiceProcess({ DATA_DIR: dir.path, LOG_FORMAT: 'json', METRICS_TOKEN }, { output });
      try {
        expect((await page(service.url)).status).toBe(200);
        // The use of that request is in the usage views, which nothing writes meanwhile.
        await pause(1500);
        damageTablePages(join(dir.path, 'read-model.sqlite'), 'key_usage', "INSERT INTO checkpoints (projection, position) VALUES ('e2e-poke', 0)");
        for (let i = 0; i < 3; i++) {
          const answer = await page(service.url);
          expect([answer.status, answer.headers.get('retry-after'), await answer.json()]).toEqual([
            503,
            '1',
            { error: { type: 'service_unavailable_error', message: 'A backing store is unavailable. Retry shortly.' } },
          ]);
        }
        // Ready: the key table and every change still work; the damage is in the details.
        const ready = await readiness(service.url);
        expect(ready.status).toBe(200);
        expect(ready.body.details.read_model).toEqual({
          status: 'degraded',
          reachable: false,
          damaged: true,
          error: expect.stringMatching(/read-model\.sqlite is damaged: database disk image is malformed$/),
        });
        expect((await fetch(`${service.url}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
        // The usage projection (projection thread) meets it at every use: seconds of retries, no more lines.
        await pause(3000);
        const logged = lines(output).filter((line) => line.level === 'error' || line.level === 'fatal');
        // Each request's access line is at error, as for every 5xx: a 503, never a 500.
        expect(logged.filter((line) => line.type === 'access').map((line) => line.status)).toEqual([503, 503, 503]);
        expect(logged.filter((line) => line.type !== 'access' && line.msg !== 'projection stopped')).toEqual([
          expect.objectContaining({
            level: 'error',
            msg: expect.stringMatching(/^Read-model file .*read-model\.sqlite is damaged \(database disk image is malformed\): what reads it answers 503 .* restart the service/),
          }),
        ]);
      } finally {
        service.child.kill('SIGTERM');
        await service.exited;
      }

      const restartOutput: string[] = [];
      const restarted = await startServiceProcess({ DATA_DIR: dir.path, LOG_FORMAT: 'json' }, { output: restartOutput });
      try {
        await eventually(async () => {
          const answer = await page(restarted.url);
          expect(answer.status).toBe(200);
          // Rebuilt from the log: the uses before the damage are counted again.
          expect(((await answer.json()) as { usage: { accepted: number } }).usage.accepted).toBeGreaterThanOrEqual(2);
        }, 20_000, 200);
        expect(lines(restartOutput).filter((line) => line.level === 'warn' && /damaged/.test(line.msg))).toEqual([
          expect.objectContaining({
            msg: expect.stringMatching(/^Read-model file .*read-model\.sqlite was found damaged while a service ran \(database disk image is malformed, at .*\): the read-model files were renamed aside/),
          }),
        ]);
        expect(setAside(dir.path)).toHaveLength(1);
        expect(existsSync(join(dir.path, 'read-model.damaged'))).toBe(false);
      } finally {
        restarted.child.kill('SIGTERM');
        await restarted.exited;
      }
    } finally {
      dir.remove();
    }
  }, 90_000);

  // The projections' reads of the log failed with a bare SqliteError: each projection logged it at each retry
  // (100 ms, then every 5 s), and readiness's event_store said up.
  it('events.sqlite, met by the projections: one error line, readiness 503 saying so, and ready again once mended', async () => {
    const { dir, keys } = await dataDirWithReadModel();
    try {
      const output: string[] = [];
      const service = await startServiceProcess({ DATA_DIR: dir.path, LOG_FORMAT: 'json', METRICS_TOKEN }, { output });
      try {
        expect((await readiness(service.url)).status).toBe(200);
        const repair = damageLogIndexes(join(dir.path, 'events.sqlite'));
        let mended = false;
        try {
          await eventually(async () => {
            const ready = await readiness(service.url);
            expect(ready.status).toBe(503);
            expect(ready.body.details.event_store).toEqual({
              status: 'down',
              damaged: true,
              error: expect.stringMatching(/events\.sqlite cannot be written: malformed database schema/),
            });
          }, 10_000, 100);
          await pause(3000);
          const logged = lines(output).filter((line) => line.level === 'error');
          const damage = /^The event log .*events\.sqlite is damaged: malformed database schema .*, met by its readers \(the projections\): .*restore it from a backup/;
          const others = logged.filter((line) => !damage.test(line.msg) && line.msg !== 'projection stopped');
          expect(others).toEqual([]);
          // One for the process: its request thread and projection thread both read the log.
          expect(logged.filter((line) => damage.test(line.msg))).toHaveLength(1);
          repair();
          mended = true;
        } finally {
          if (!mended) repair();
        }
        await eventually(async () => expect((await readiness(service.url)).status).toBe(200), 20_000, 200);
        expect((await fetch(`${service.url}/v1/api-keys`, { headers: { authorization: `Bearer ${keys[0].key}` } })).status).toBe(200);
      } finally {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    } finally {
      dir.remove();
    }
  }, 90_000);
});
