import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { childEnv } from '../support/child-env.js';
import { countEvents, createKeyWithCli, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const cli = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dataDir }), timeout: 30_000 });

/**
 * The keys' events a log holds (a running service appends uses meanwhile), and its journal mode (bytes 18 and 19 of the
 * header: 2 for WAL): what "nothing was changed" keeps.
 */
const logContent = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    const events = createHash('sha256').update(JSON.stringify(db.prepare("SELECT * FROM events WHERE type <> 'KeyUsed' ORDER BY position").all())).digest('hex');
    return { events, journal: [...readFileSync(file).subarray(18, 20)] };
  } finally {
    db.close();
  }
};

const keyIdsListed = async (service: ServiceProcess, key: string) => {
  const page = await fetch(`${service.url}/v1/api-keys?limit=100`, { headers: { authorization: `Bearer ${key}` } });
  return { status: page.status, ids: page.status === 200 ? ((await page.json()) as { data: { id: string }[] }).data.map((k) => k.id).sort() : [] };
};

const stop = async (service: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM') => {
  service.child.kill(signal);
  await service.exited;
};

/** The one file the replaced log was kept as. */
const replacedLog = (dataDir: string) => {
  const kept = readdirSync(dataDir).filter((name) => /^events\.sqlite\.replaced-\d{4}-\d\d-\d\dT[\d-]+Z$/.test(name));
  expect(kept).toHaveLength(1);
  return join(dataDir, kept[0]);
};

describe('CLI restore of the embedded event log', () => {
  it('is refused while a service has the log open, changing nothing; once it is stopped, puts the backup in place, the replaced log kept', async () => {
    const dir = makeTempDir('restore');
    const dataDir = join(dir.path, 'data');
    const backup = join(dir.path, 'backup.sqlite');
    try {
      const early = [createKeyWithCli(dataDir), createKeyWithCli(dataDir)];
      expect(cli(dataDir, 'backup', backup).status).toBe(0);
      const late = createKeyWithCli(dataDir);
      let service = await startServiceProcess({ DATA_DIR: dataDir });
      try {
        expect((await keyIdsListed(service, early[0].key)).ids).toEqual([...early, late].map((k) => k.id).sort());
        const log = join(dataDir, 'events.sqlite');
        const before = logContent(log);
        expect(before.journal).toEqual([2, 2]);
        const refused = cli(dataDir, 'restore', backup);
        expect(refused.status).toBe(75); // try again later (093330e): the other process may stop
        expect(refused.stderr).toBe(
          `error: A process is using the event log ${log} (a service or a CLI command): stop every service and CLI command using DATA_DIR, then restore again. Nothing was changed.\n`,
        );
        expect(logContent(log)).toEqual(before);
        expect(readdirSync(dataDir).filter((name) => /restoring|replaced|partial/.test(name))).toEqual([]);
        expect((await keyIdsListed(service, late.key)).status).toBe(200);
      } finally {
        await stop(service);
      }

      const restore = cli(dataDir, 'restore', backup, '--json');
      expect(restore.stderr).toBe('');
      expect(restore.status).toBe(0);
      const summary = JSON.parse(restore.stdout);
      const kept = replacedLog(dataDir);
      expect(summary).toEqual({
        file: join(dataDir, 'events.sqlite'),
        backup,
        restored: { events: 2, position: 2, identity: expect.any(String) },
        replaced: { files: [kept], summary: { events: expect.any(Number), position: expect.any(Number), identity: summary.restored.identity } },
        readModelsRemoved: [join(dataDir, 'read-model.sqlite')],
        deliveries: 'none',
        checksum: 'verified',
      });
      expect(summary.replaced.summary.events).toBeGreaterThanOrEqual(3);
      expect(readdirSync(dataDir).filter((name) => name.startsWith('read-model') || name.startsWith('events.sqlite-'))).toEqual([]);

      service = await startServiceProcess({ DATA_DIR: dataDir });
      try {
        expect(await keyIdsListed(service, early[1].key)).toEqual({ status: 200, ids: early.map((k) => k.id).sort() });
        expect((await keyIdsListed(service, late.key)).status).toBe(401);
      } finally {
        await stop(service);
      }
      // The replaced log holds the key made after the backup: nothing was lost, only set aside.
      const old = new Database(kept, { readonly: true });
      expect(old.prepare("SELECT COUNT(*) FROM events WHERE type = 'KeyCreated'").pluck().get()).toBe(3);
      old.close();
    } finally {
      dir.remove();
    }
  }, 90_000);

  // By hand, the copy put in place beside the WAL a killed service left had that WAL applied to it: the start then failed on a
  // damaged log, or, where the pages happened to fit, served the old file's events instead of the backup's.
  it('after a service killed by SIGKILL: its WAL goes with the log it belongs to, never into the copy', async () => {
    const dir = makeTempDir('restore');
    const dataDir = join(dir.path, 'data');
    const backup = join(dir.path, 'backup.sqlite');
    try {
      const first = createKeyWithCli(dataDir);
      expect(cli(dataDir, 'backup', backup).status).toBe(0);
      let service = await startServiceProcess({ DATA_DIR: dataDir });
      const made: string[] = [];
      for (let i = 0; i < 20; i++) {
        const created = await fetch(`${service.url}/v1/api-keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${first.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `after backup ${i}` }),
        });
        expect(created.status).toBe(201);
        made.push(((await created.json()) as { id: string }).id);
      }
      await stop(service, 'SIGKILL');
      expect(readFileSync(join(dataDir, 'events.sqlite-wal')).length).toBeGreaterThan(0);

      const restore = cli(dataDir, 'restore', backup);
      expect(restore.stderr).toBe('');
      expect(restore.status).toBe(0);
      const kept = replacedLog(dataDir);
      expect(restore.stdout).toMatch(new RegExp(`^Restored ${backup} \\(1 event, up to position 1\\) as ${join(dataDir, 'events.sqlite')}\\.\\nThe log it replaced \\(\\d+ events, up to position \\d+\\) is kept as ${kept}\\.\\n`));
      expect(existsSync(join(dataDir, 'events.sqlite-wal'))).toBe(false);
      expect(existsSync(`${kept}-wal`)).toBe(false);
      expect(countEvents(dataDir, 'KeyCreated')).toBe(1);

      service = await startServiceProcess({ DATA_DIR: dataDir });
      try {
        expect(await keyIdsListed(service, first.key)).toEqual({ status: 200, ids: [first.id] });
      } finally {
        await stop(service);
      }
      const old = new Database(kept, { readonly: true });
      expect(old.prepare("SELECT COUNT(*) FROM events WHERE type = 'KeyCreated'").pluck().get()).toBe(1 + made.length);
      old.close();
    } finally {
      dir.remove();
    }
  }, 90_000);

  it("refuses a backup of another log unless --another-log; the webhook's position is the backup's, this log's kept, another's removed", () => {
    const dir = makeTempDir('restore');
    const dataDir = join(dir.path, 'data');
    const otherDir = join(dir.path, 'other');
    const backup = join(dir.path, 'other-backup.sqlite');
    try {
      createKeyWithCli(dataDir);
      const theirs = createKeyWithCli(otherDir);
      expect(cli(otherDir, 'backup', backup).status).toBe(0);
      const deliveries = join(dataDir, 'deliveries.sqlite');
      const made = new Database(deliveries);
      made.exec('CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER)');
      made.close();
      const before = logContent(join(dataDir, 'events.sqlite'));

      const refused = cli(dataDir, 'restore', backup);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(
        new RegExp(`^error: ${backup} is a backup of another event log \\(first KeyCreated [0-9a-f-]{36}; DATA_DIR's log: [0-9a-f-]{36}\\): restoring it replaces every key this log holds\\. If that is what you mean, run again with --another-log \\(the log it replaces is kept\\)\\. Nothing was changed\\.\\n$`),
      );
      expect(logContent(join(dataDir, 'events.sqlite'))).toEqual(before);
      expect(existsSync(deliveries)).toBe(true);

      const restored = cli(dataDir, 'restore', backup, '--another-log');
      expect(restored.status).toBe(0);
      // Another log's position would skip or resend alerts by positions of another log.
      expect(restored.stdout).toContain("Removed the webhook's position (another log's): delivery starts at the end of the restored log; none of its alerts is sent.\n");
      expect(existsSync(deliveries)).toBe(false);
      const listed = cli(dataDir, 'list', '--account', 'acme', '--json');
      expect(JSON.parse(listed.stdout).data.map((k: { id: string }) => k.id)).toEqual([theirs.id]);

      // A backup made with a webhook position brings it along.
      const withDeliveries = join(dir.path, 'with-deliveries.sqlite');
      const position = new Database(deliveries);
      position.exec('CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER)');
      position.prepare("INSERT INTO checkpoints VALUES ('alert-webhook', 1)").run();
      position.close();
      expect(cli(dataDir, 'backup', withDeliveries).status).toBe(0);
      const again = cli(dataDir, 'restore', withDeliveries, '--json');
      expect(again.status).toBe(0);
      expect(JSON.parse(again.stdout).deliveries).toBe('restored');
      const positionKept = () => {
        const kept = new Database(deliveries, { readonly: true });
        try {
          return kept.prepare('SELECT position FROM checkpoints').pluck().all();
        } finally {
          kept.close();
        }
      };
      expect(positionKept()).toEqual([1]);

      // Removed, a start would begin at the end of the log: an alert not delivered yet would never be sent. Kept, it is.
      const sameLog = cli(dataDir, 'restore', backup, '--json');
      expect(sameLog.status).toBe(0);
      expect(JSON.parse(sameLog.stdout).deliveries).toBe('kept');
      expect(positionKept()).toEqual([1]);
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('refuses a backup it finds damaged, and with EVENTSTORE_URL, changing nothing', () => {
    const dir = makeTempDir('restore');
    const dataDir = join(dir.path, 'data');
    try {
      createKeyWithCli(dataDir);
      const notALog = join(dir.path, 'views.sqlite');
      const views = new Database(notALog);
      views.exec('CREATE TABLE api_keys (id TEXT PRIMARY KEY)');
      views.close();
      const refused = cli(dataDir, 'restore', notALog);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toBe(`error: ${notALog} holds no event log (no events table): name a copy that backup wrote; nothing was changed\n`);
      const esdb = spawnSync(process.execPath, ['dist/cli.js', 'restore', notALog], {
        encoding: 'utf8',
        env: childEnv({ DATA_DIR: dataDir, EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false' }),
      });
      expect(esdb.status).toBe(1);
      expect(esdb.stderr).toBe('error: restore puts a backup of the embedded log (DATA_DIR) in place: with EVENTSTORE_URL, restore EventStoreDB with its own tools\n');
      // A backup whose pages SQLite finds whole, with one byte of the second key's event changed since (bit rot, a bad
      // transfer): until 2026-12-07 it was restored, exit 0, and a service started on it answered ready with its
      // anomaly detector stopped at that event for good.
      createKeyWithCli(dataDir, ['--name', 'rotted']);
      const rotted = join(dir.path, 'rotted.sqlite');
      expect(cli(dataDir, 'backup', rotted).status).toBe(0);
      const bytes = readFileSync(rotted);
      bytes.write('{', bytes.indexOf('"name":"rotted"'));
      writeFileSync(rotted, bytes);
      const before = logContent(join(dataDir, 'events.sqlite'));
      const damaged = cli(dataDir, 'restore', rotted);
      expect(damaged.stderr).toBe(`error: ${rotted} is damaged (the event at position 2 is not JSON: changed since written): it cannot be restored; nothing was changed\n`);
      expect(damaged.status).toBe(1);
      expect(logContent(join(dataDir, 'events.sqlite'))).toEqual(before);
      expect(readdirSync(dataDir).filter((name) => /restoring|replaced|partial/.test(name))).toEqual([]);
      expect(countEvents(dataDir, 'KeyCreated')).toBe(2);
    } finally {
      dir.remove();
    }
  });
  // A byte changed inside a value (a digit of a key id) leaves JSON and whole pages: until 2026-12-07 every check passed it
  // and restore put it in place, exit 0. The checksum backup writes beside the copy tells it.
  it("refuses a backup that no longer matches its checksum file; without one, restores it and says it was not verified", () => {
    const dir = makeTempDir('restore');
    const dataDir = join(dir.path, 'data');
    const backup = join(dir.path, 'backup.sqlite');
    try {
      createKeyWithCli(dataDir);
      createKeyWithCli(dataDir, ['--name', 'deploy-1']);
      expect(cli(dataDir, 'backup', backup).status).toBe(0);
      const bytes = readFileSync(backup);
      const at = bytes.indexOf('"name":"deploy-1"');
      expect(at).toBeGreaterThan(0);
      bytes.write('2', at + '"name":"deploy-'.length);
      writeFileSync(backup, bytes);
      // Whole to every other check: the event is still JSON.
      const db = new Database(backup, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare("SELECT COUNT(*) FROM events WHERE data LIKE '%\"name\":\"deploy-2\"%' AND json_valid(data)").pluck().get()).toBe(1);
      db.close();
      const before = logContent(join(dataDir, 'events.sqlite'));
      const refused = cli(dataDir, 'restore', backup);
      expect(refused.stderr).toMatch(
        new RegExp(`^error: ${backup} does not match its checksum in ${backup}\\.sha256 \\(SHA-256 [0-9a-f]{64}, recorded [0-9a-f]{64}\\): changed since backup wrote it; it cannot be restored; nothing was changed\\n$`),
      );
      expect(refused.status).toBe(1);
      expect(logContent(join(dataDir, 'events.sqlite'))).toEqual(before);
      expect(readdirSync(dataDir).filter((name) => /restoring|replaced|partial/.test(name))).toEqual([]);

      // Without the checksum file (a backup written before 2026-12-07): restored, and said to be unverified.
      rmSync(`${backup}.sha256`);
      const unverified = cli(dataDir, 'restore', backup);
      expect(unverified.stderr).toBe('');
      expect(unverified.status).toBe(0);
      expect(unverified.stdout).toContain(
        `\nNo checksum beside it (${backup}.sha256, which backup writes): restored unverified; a byte changed inside an event's value would not be seen.\n`,
      );
    } finally {
      dir.remove();
    }
  });

  it('restores over a 0-byte events.sqlite (the copy every other command refuses) and into a DATA_DIR not made yet', () => {
    const dir = makeTempDir('restore');
    const source = join(dir.path, 'source');
    const backup = join(dir.path, 'backup.sqlite');
    try {
      const key = createKeyWithCli(source);
      const backedUp = cli(source, 'backup', backup);
      expect(backedUp.stdout).toMatch(
        new RegExp(
          `^Backed up the event log \\(1 event, up to position 1\\) to ${backup} \\(\\d+ bytes\\)\\.\\nSHA-256 [0-9a-f]{64}, written to ${backup}\\.sha256 \\(restore verifies it; by hand: cd ${dir.path} && sha256sum -c backup\\.sqlite\\.sha256\\)\\.\\n$`,
        ),
      );
      const empty = join(dir.path, 'empty');
      mkdirSync(empty);
      writeFileSync(join(empty, 'events.sqlite'), '');
      const over = cli(empty, 'restore', backup);
      expect(over.stderr).toBe('');
      expect(over.stdout).toMatch(/\nThe log it replaced \(no log SQLite could read\) is kept as .*\/empty\/events\.sqlite\.replaced-[^ ]+\.\n$/);
      const fresh = join(dir.path, 'new', 'data');
      const into = cli(fresh, 'restore', backup);
      expect(into.stdout).toBe(`Restored ${backup} (1 event, up to position 1) as ${join(fresh, 'events.sqlite')}.\n`);
      // DATA_DIR relative (./data by default): the log is named by its whole path.
      const relative = spawnSync(process.execPath, [join(process.cwd(), 'dist/cli.js'), 'restore', backup], {
        encoding: 'utf8',
        cwd: dir.path,
        env: childEnv({ DATA_DIR: 'relative' }),
      });
      expect(relative.stdout).toBe(`Restored ${backup} (1 event, up to position 1) as ${join(dir.path, 'relative', 'events.sqlite')}.\n`);
      for (const dataDir of [empty, fresh]) {
        expect(JSON.parse(cli(dataDir, 'list', '--account', 'acme', '--json').stdout).data.map((k: { id: string }) => k.id)).toEqual([key.id]);
      }
    } finally {
      dir.remove();
    }
  });
});
