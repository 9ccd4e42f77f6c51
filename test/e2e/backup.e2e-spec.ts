import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from '../support/child-env.js';
import { countEvents, createKeyWithCli, freePort, startServiceProcess } from '../support/service-process.js';
import { damageTablePages } from '../support/damaged-pages.js';
import { seedEmbeddedLog } from '../support/seed-log.js';
import { makeTempDir } from '../support/temp-dir.js';
import { makeUnwritable } from '../support/unwritable-path.js';

const run = promisify(execFile);

describe('CLI backup of the embedded event log', () => {
  it('copies the log while the service writes to it; the copy, restored into a new DATA_DIR, serves every key', async () => {
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
      expect(summary).toEqual({
        file: copy,
        events: expect.any(Number),
        position: expect.any(Number),
        bytes: expect.any(Number),
        deliveries: null,
        sha256: createHash('sha256').update(readFileSync(copy)).digest('hex'),
        checksum: `${copy}.sha256`,
      });
      expect(statSync(copy).mode & 0o777).toBe(0o600); // it holds what the log holds
      expect(readFileSync(`${copy}.sha256`, 'utf8')).toBe(`${summary.sha256}  events-backup.sqlite\n`);
      expect(summary.events).toBeGreaterThan(keys.length); // uses were being written meanwhile
      loading = false;
      expect(await load).toBeGreaterThan(0);

      const restored = join(dir.path, 'restored');
      const restore = spawnSync(process.execPath, ['dist/cli.js', 'restore', copy], { encoding: 'utf8', env: childEnv({ DATA_DIR: restored }) });
      expect(restore.status).toBe(0);
      expect(restore.stdout).toBe(`Restored ${copy} (${summary.events} events, up to position ${summary.position}) as ${join(restored, 'events.sqlite')}.\n`);
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

  it('stopped by SIGTERM while it copies, leaves neither a file under the name given nor a partial one', async () => {
    const dir = makeTempDir('backup');
    const dataDir = join(dir.path, 'data');
    mkdirSync(dataDir);
    const backups = join(dir.path, 'backups');
    mkdirSync(backups);
    try {
      await seedEmbeddedLog(dataDir, 40_000);
      const child = spawn(process.execPath, ['dist/cli.js', 'backup', join(backups, 'copy.sqlite')], { env: childEnv({ DATA_DIR: dataDir }) });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Stopped as soon as the copy has begun to be written, under whatever name.
      while (readdirSync(backups).length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
      expect(stderr).toBe('error: backup stopped by SIGTERM: no copy written (the partial copy was removed)\n');
      expect(readdirSync(backups)).toEqual([]);
    } finally {
      dir.remove();
    }
  }, 60_000);

  it("copies the webhook's position (deliveries.sqlite) beside the log, mode 0600, so a restore sends the alerts not yet delivered then", () => {
    const dir = makeTempDir('backup');
    const dataDir = join(dir.path, 'data');
    try {
      createKeyWithCli(dataDir);
      const deliveries = new Database(join(dataDir, 'deliveries.sqlite'));
      deliveries.exec("CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER); INSERT INTO checkpoints VALUES ('alert-webhook', 7)");
      deliveries.close();
      const copy = join(dir.path, 'copy.sqlite');
      const cli = spawnSync(process.execPath, ['dist/cli.js', 'backup', copy, '--json'], { encoding: 'utf8', env: childEnv({ DATA_DIR: dataDir }) });
      expect(cli.stderr).toBe('');
      expect(JSON.parse(cli.stdout).deliveries).toBe(`${copy}.deliveries.sqlite`);
      for (const file of [copy, `${copy}.deliveries.sqlite`]) expect(statSync(file).mode & 0o777).toBe(0o600);
      const copied = new Database(`${copy}.deliveries.sqlite`, { readonly: true });
      expect(copied.prepare('SELECT position FROM checkpoints').get()).toEqual({ position: 7 });
      copied.close();
      expect(existsSync(`${copy}.partial-${cli.pid}`)).toBe(false);
      // Both listed in <file>.sha256, which sha256sum -c verifies from their directory.
      const checked = spawnSync('sha256sum', ['-c', 'copy.sqlite.sha256'], { cwd: dir.path, encoding: 'utf8' });
      expect(checked.stdout).toBe('copy.sqlite: OK\ncopy.sqlite.deliveries.sqlite: OK\n');
      expect(checked.status).toBe(0);
    } finally {
      dir.remove();
    }
  });

  // A copy put in place beside the WAL its old file left is damaged where no open reads (SQLite applies that WAL to it):
  // the start ended on "The event log … is damaged: database disk image is malformed", and the CLI the same, with no word
  // of what to do; restoring the copy again, over the same WAL, failed the same way.
  it('a log damaged in a page no open reads: the start and the CLI say to restore it; restored, it starts', async () => {
    const dir = makeTempDir('backup');
    const restored = join(dir.path, 'restored');
    try {
      const keys = [createKeyWithCli(restored), createKeyWithCli(restored)];
      const copy = join(dir.path, 'copy.sqlite');
      expect(spawnSync(process.execPath, ['dist/cli.js', 'backup', copy], { env: childEnv({ DATA_DIR: restored }) }).status).toBe(0);
      damageTablePages(join(restored, 'events.sqlite'), 'events', "INSERT OR REPLACE INTO write_probe VALUES (1, 'x')");

      const advice = /events\.sqlite is damaged: database disk image is malformed\. .*restore it from a backup with the CLI: restore <backup file>/;
      const env = childEnv({ DATA_DIR: restored, LOG_FORMAT: 'json', PORT: String(await freePort()) });
      const start = spawnSync(process.execPath, ['dist/main.js'], { encoding: 'utf8', env, timeout: 30_000 });
      expect(start.status).toBe(1);
      expect(JSON.parse(`${start.stdout}${start.stderr}`.trim())).toMatchObject({ level: 'fatal', msg: 'cannot start', error: expect.stringMatching(advice) });
      const list = spawnSync(process.execPath, ['dist/cli.js', 'list', '--account', 'acme'], { encoding: 'utf8', env: childEnv({ DATA_DIR: restored }), timeout: 30_000 });
      expect(list.status).toBe(1);
      expect(list.stderr).toMatch(advice);

      // Done as it says; the damaged log is kept aside, whatever SQLite could read of it.
      const restore = spawnSync(process.execPath, ['dist/cli.js', 'restore', copy], { encoding: 'utf8', env: childEnv({ DATA_DIR: restored }) });
      expect(restore.stderr).toBe('');
      expect(restore.status).toBe(0);
      expect(restore.stdout).toMatch(/^Restored .* \(2 events, up to position 2\) as .*\nThe log it replaced \(no log SQLite could read\) is kept as .*events\.sqlite\.replaced-[^ ]+\.\n/);
      const service = await startServiceProcess({ DATA_DIR: restored });
      try {
        const page = await fetch(`${service.url}/v1/api-keys`, { headers: { authorization: `Bearer ${keys[0].key}` } });
        expect(((await page.json()) as { data: { id: string }[] }).data.map((key) => key.id).sort()).toEqual(keys.map((key) => key.id).sort());
      } finally {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    } finally {
      dir.remove();
    }
  }, 90_000);

  // Said of a temporary file ("ENOENT: no such file or directory, open '<file>.partial-<pid>'"), or with nothing to say
  // which disk: "disk I/O error" for a copy over a file-size limit, "database or disk is full", as if DATA_DIR's were.
  it('a copy that cannot be written: named by the name given, the reason said of it, nothing left behind', async () => {
    const dir = makeTempDir('backup');
    const dataDir = join(dir.path, 'data');
    mkdirSync(dataDir);
    const backups = join(dir.path, 'backups');
    mkdirSync(backups);
    try {
      await seedEmbeddedLog(dataDir, 2000);
      const missing = join(dir.path, 'missing', 'copy.sqlite');
      const intoMissing = spawnSync(process.execPath, ['dist/cli.js', 'backup', missing], { encoding: 'utf8', env: childEnv({ DATA_DIR: dataDir }) });
      expect(intoMissing.status).toBe(1);
      expect(intoMissing.stderr).toBe(`error: could not write the copy ${missing} (ENOENT: its directory ${join(dir.path, 'missing')} does not exist): no copy written\n`);

      // A file-size limit of 200 KB (the log is over 1 MB), its signal ignored as a shell's `trap "" XFSZ` does: writes fail.
      const copy = join(backups, 'copy.sqlite');
      const limited = spawnSync('sh', ['-c', 'trap "" XFSZ; ulimit -f 200; exec "$0" dist/cli.js backup "$1"', process.execPath, copy], {
        encoding: 'utf8',
        env: childEnv({ DATA_DIR: dataDir }),
      });
      expect(limited.status).toBe(1);
      expect(limited.stderr).toBe(`error: could not write the copy ${copy} (disk I/O error): no copy written\n`);
      expect(readdirSync(backups)).toEqual([]);

      // The webhook's position copied first, beside: a file of that name is refused as the copy's own is.
      const deliveries = new Database(join(dataDir, 'deliveries.sqlite'));
      deliveries.exec('CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER)');
      deliveries.close();
      writeFileSync(`${copy}.deliveries.sqlite`, 'kept');
      const besideExisting = spawnSync(process.execPath, ['dist/cli.js', 'backup', copy], { encoding: 'utf8', env: childEnv({ DATA_DIR: dataDir }) });
      expect(besideExisting.status).toBe(1);
      expect(besideExisting.stderr).toBe(`error: ${copy}.deliveries.sqlite exists: back up into a new file\n`);
      expect(readdirSync(backups)).toEqual(['copy.sqlite.deliveries.sqlite']);
    } finally {
      dir.remove();
    }
  }, 60_000);

  // A DATA_DIR it cannot write (a read-only snapshot or volume, backed up from a sidecar) whose log was closed, with no
  // -wal beside it: SQLite cannot make the -shm it opens a log in WAL mode with, and backup ended on a bare "unable to
  // open database file". Nothing can write such a log: its bytes are copied.
  it('backs up a log in a DATA_DIR it cannot write, closed (no -wal): the copy serves every key', async () => {
    const dir = makeTempDir('backup');
    const dataDir = join(dir.path, 'data');
    try {
      const keys = [createKeyWithCli(dataDir), createKeyWithCli(dataDir)];
      expect(existsSync(join(dataDir, 'events.sqlite-wal'))).toBe(false);
      const copy = join(dir.path, 'copy.sqlite');
      const restore = makeUnwritable(dataDir);
      let backup;
      try {
        backup = spawnSync(process.execPath, ['dist/cli.js', 'backup', copy, '--json'], { encoding: 'utf8', env: childEnv({ DATA_DIR: dataDir }) });
      } finally {
        restore();
      }
      expect(backup.stderr).toBe('');
      expect(JSON.parse(backup.stdout)).toMatchObject({ file: copy, events: keys.length });
      expect(statSync(copy).mode & 0o777).toBe(0o600);
      const restored = join(dir.path, 'restored');
      mkdirSync(restored);
      copyFileSync(copy, join(restored, 'events.sqlite'));
      const list = spawnSync(process.execPath, ['dist/cli.js', 'list', '--account', 'acme', '--json'], { encoding: 'utf8', env: childEnv({ DATA_DIR: restored }) });
      expect(JSON.parse(list.stdout).data.map((k: { id: string }) => k.id).sort()).toEqual(keys.map((k) => k.id).sort());
    } finally {
      dir.remove();
    }
  }, 60_000);

  // The same directory copied while a service ran, with the -wal but not the -shm: SQLite must make the -shm to read
  // the -wal's commits, and backup ended on a bare "unable to open database file" (an earlier audit's leftover).
  it('refuses a log with a -wal but no -shm in a DATA_DIR it cannot write, saying why and what to do', () => {
    const dir = makeTempDir('backup');
    const dataDir = join(dir.path, 'data');
    const snapshot = join(dir.path, 'snapshot');
    try {
      createKeyWithCli(dataDir);
      const reader = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
      reader.prepare('SELECT COUNT(*) FROM events').get(); // holds the -wal open: the next commit stays in it
      const key = createKeyWithCli(dataDir);
      mkdirSync(snapshot);
      for (const name of ['events.sqlite', 'events.sqlite-wal']) copyFileSync(join(dataDir, name), join(snapshot, name));
      reader.close();
      const log = join(snapshot, 'events.sqlite');
      const restore = makeUnwritable(snapshot);
      let backup;
      try {
        backup = spawnSync(process.execPath, ['dist/cli.js', 'backup', join(dir.path, 'copy.sqlite')], { encoding: 'utf8', env: childEnv({ DATA_DIR: snapshot }) });
      } finally {
        restore();
      }
      expect(backup.status).toBe(1);
      expect(backup.stderr).toBe(
        `error: ${log} has a -wal but no -shm beside it, in ${snapshot}, which this process cannot write (a read-only snapshot or volume?): SQLite must make the -shm to read the commits in the -wal. Copy ${log} and ${log}-wal into a writable directory and run backup there (DATA_DIR=<that directory>)\n`,
      );
      expect(existsSync(join(dir.path, 'copy.sqlite'))).toBe(false);
      // What it says to do works, and the copy has the commit that was only in the -wal.
      const writable = join(dir.path, 'writable');
      mkdirSync(writable);
      for (const name of ['events.sqlite', 'events.sqlite-wal']) copyFileSync(join(snapshot, name), join(writable, name));
      const copied = spawnSync(process.execPath, ['dist/cli.js', 'backup', join(dir.path, 'copy.sqlite'), '--json'], { encoding: 'utf8', env: childEnv({ DATA_DIR: writable }) });
      expect(copied.stderr).toBe('');
      const restored = join(dir.path, 'restored');
      mkdirSync(restored);
      copyFileSync(join(dir.path, 'copy.sqlite'), join(restored, 'events.sqlite'));
      const list = spawnSync(process.execPath, ['dist/cli.js', 'list', '--account', 'acme', '--json'], { encoding: 'utf8', env: childEnv({ DATA_DIR: restored }) });
      expect(JSON.parse(list.stdout).data.map((k: { id: string }) => k.id)).toContain(key.id);
    } finally {
      dir.remove();
    }
  }, 60_000);

  // Until 2026-12-07 backup copied such a log without a word (exit 0), and restore then refused the copy as "changed since
  // written", pointing at the backup instead of the live log.
  it('refuses a live log holding an event that is not JSON, naming the live log and the position; no copy is left', () => {
    const dir = makeTempDir('backup');
    const dataDir = join(dir.path, 'data');
    try {
      createKeyWithCli(dataDir);
      createKeyWithCli(dataDir, ['--name', 'rotted']);
      const position = new Database(join(dataDir, 'deliveries.sqlite'));
      position.exec('CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER)');
      position.close();
      const log = join(dataDir, 'events.sqlite');
      expect(existsSync(`${log}-wal`)).toBe(false);
      const bytes = readFileSync(log);
      expect(bytes.indexOf('"name":"rotted"')).toBeGreaterThan(0);
      bytes.write('{', bytes.indexOf('"name":"rotted"'));
      writeFileSync(log, bytes);
      const copy = join(dir.path, 'copy.sqlite');
      const refused = spawnSync(process.execPath, ['dist/cli.js', 'backup', copy], { encoding: 'utf8', env: childEnv({ DATA_DIR: dataDir }) });
      expect(refused.stderr).toBe(
        `error: The event log ${log} is damaged (the event at position 2 is not JSON): no copy written to ${copy}. It is the source of truth: stop every process using it and restore it from a backup with the CLI: restore <backup file> (docs/operations.md, "Backups")\n`,
      );
      expect(refused.status).toBe(1);
      expect(refused.stdout).toBe('');
      // Neither the log's copy nor the webhook position's copy made before it, nor a partial file.
      expect(readdirSync(dir.path)).toEqual(['data']);
    } finally {
      dir.remove();
    }
  });

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
