import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { bearer } from '../support/auth.js';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { countEvents, createKeyWithCli, type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const DAY_MS = 86_400_000;
// The uses to archive are made by an instance ten days in the past (libfaketime), as the log dates them.
const runnable = existsSync(LIBFAKETIME) && process.env.FAKETIME === undefined;
if (!runnable) console.log(`Usage archive e2e skipped: it needs libfaketime at ${LIBFAKETIME} (apt-get install faketime) and a run whose clock is not faked`);
const PAST = { FAKETIME: '-10d', LD_PRELOAD: LIBFAKETIME, FAKETIME_DONT_FAKE_MONOTONIC: '1' };

const readModels = process.env.MONGODB_URL ? ['embedded', 'mongodb'] : ['embedded'];

function cli(env: Record<string, string>, args: string[]) {
  return spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv(env) });
}

async function stop(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGTERM');
  await service.exited;
}

/** The types of a stream's events as the embedded log holds them, read as an auditor would. */
function eventsData(dataDir: string, streamId: string): string[] {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT data FROM events WHERE stream_id = ? ORDER BY revision').all(streamId) as Array<{ data: string }>).map((row) => row.data);
  } finally {
    db.close();
  }
}

function eventsIn(dataDir: string, streamId: string): string[] {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT type FROM events WHERE stream_id = ? ORDER BY revision').all(streamId) as Array<{ type: string }>).map((row) => row.type);
  } finally {
    db.close();
  }
}

/** What a key's answer says of its usage, but the chart of the last 24 hours (which moves with the clock). */
function figuresOf(key: Record<string, unknown>): Record<string, unknown> {
  const { requests_per_hour: _chart, ...usage } = key.usage as Record<string, unknown>;
  return { request_count: key.request_count, last_used_at: key.last_used_at, usage };
}

async function usageOf(service: ServiceProcess, admin: string, keyId: string) {
  const response = await fetch(`${service.url}/v1/api-keys/${keyId}`, { headers: bearer(admin) });
  return (await response.json()) as Record<string, unknown>;
}

(runnable ? describe.each(readModels) : describe.skip.each(readModels))('archive-usage (%s read model)', (readModel) => {
  const dir = makeTempDir('archive-usage');
  const archives = join(dir.path, 'archives');
  const env = (mongoDb: string): Record<string, string> => ({
    DATA_DIR: dir.path,
    USAGE_FLUSH_INTERVAL_MS: '100',
    ...(readModel === 'mongodb' ? { MONGODB_URL: process.env.MONGODB_URL!, MONGODB_DB: mongoDb } : {}),
  });
  let admin: string;
  let worker: { id: string; key: string };
  // Used only ten days ago, from the loopback with user agent quiet/1: every use archived (docs/personal-data.md).
  let quiet: { id: string; key: string };
  let service: ServiceProcess;
  const firstDb = `psk_archive_${randomUUID().slice(0, 8)}`;
  let figuresBefore: Record<string, unknown>;

  beforeAll(async () => {
    mkdirSync(archives);
    admin = createKeyWithCli(dir.path, [], { ...env(firstDb), ...PAST }).key;
    worker = createKeyWithCli(dir.path, ['--permissions', 'keys:read'], { ...env(firstDb), ...PAST });
    quiet = createKeyWithCli(dir.path, ['--permissions', 'keys:read'], { ...env(firstDb), ...PAST });
    // Ten days ago: 30 uses of the worker key, 4 failed authentications.
    const past = await startServiceProcess({ ...env(firstDb), ...PAST });
    for (let i = 0; i < 30; i++) expect((await fetch(`${past.url}/v1/api-keys/${worker.id}`, { headers: bearer(worker.key) })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await fetch(`${past.url}/v1/api-keys`, { headers: bearer(`sk_live_${'x'.repeat(40)}`) })).status).toBe(401);
    expect((await fetch(`${past.url}/v1/whoami`, { headers: { ...bearer(quiet.key), 'User-Agent': 'quiet/1' } })).status).toBe(200);
    await stop(past);
    // Now: 5 more.
    service = await startServiceProcess(env(firstDb));
    for (let i = 0; i < 5; i++) expect((await fetch(`${service.url}/v1/api-keys/${worker.id}`, { headers: bearer(worker.key) })).status).toBe(200);
  }, 90_000);
  afterAll(async () => {
    if (service) await stop(service);
    dir.remove();
  });

  it('moves the old uses and failures into a file whose SHA-256 the log records, and the key still counts them', async () => {
    await eventually(async () => expect(await usageOf(service, admin, worker.id)).toMatchObject({ request_count: 35 }), 15_000, 100);
    figuresBefore = figuresOf(await usageOf(service, admin, worker.id));
    const dryRun = cli(env(firstDb), ['archive-usage', '--older-than', '9', '--dir', archives, '--dry-run']);
    expect(dryRun.stdout).toMatch(/^Would archive 35 events \(the usage of 2 keys, 1 day of failed authentications, 0 alerts\) logged before .*Nothing was written or removed \(--dry-run\)\.\n$/);
    expect(readdirSync(archives)).toEqual([]);
    const run = cli(env(firstDb), ['archive-usage', '--older-than', '9', '--dir', archives, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    // The admin key's uses: the worker's GETs are the worker's; the failures are 4 events of one day's stream.
    expect(report).toMatchObject({ dry_run: false, events: 35, usage_streams: 2, failure_streams: 1, alerts: 0, removed: 35 });
    expect(readdirSync(archives)).toEqual([report.file.split('/').pop()]);
    const bytes = readFileSync(report.file);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(report.sha256);
    const lines = gunzipSync(bytes).toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ format: 'parsesphere-usage-archive', version: 1, before: report.before });
    expect(lines.slice(1).map((event) => event.type).sort()).toEqual([...Array(4).fill('AuthenticationFailed'), ...Array(31).fill('KeyUsed')]);
    // The admin key's own uses (these GETs) were all made now: none archived.
    expect(eventsIn(dir.path, `api_key_usage-${worker.id}`)).toEqual([...Array(5).fill('KeyUsed'), 'UsageArchived']);
    expect(countEvents(dir.path, 'AuthenticationFailed')).toBe(0);
    expect(countEvents(dir.path, 'UsageArchived')).toBe(2);

    // The figures as before, read from the views that saw the uses go.
    await eventually(async () => {
      expect(figuresOf(await usageOf(service, admin, worker.id))).toEqual(figuresBefore);
    }, 15_000, 100);

    // The key whose every use was archived: its figures stay, its last address and user agent went with the uses.
    await eventually(async () => {
      expect((await usageOf(service, admin, quiet.id)).usage).toMatchObject({ accepted: 1, last_ip: null, last_user_agent: null });
    }, 15_000, 100);
    expect(JSON.stringify(eventsData(dir.path, `api_key_usage-${quiet.id}`))).not.toMatch(/127\.0\.0\.1|quiet\/1/);

    // The history: the archive where the uses were, by the operator CLI.
    const history = (await (await fetch(`${service.url}/v1/api-keys/${worker.id}/events?limit=100&order=log`, { headers: bearer(admin) })).json()) as {
      data: Array<{ type: string; stream: string; acting_key_id: string | null; data: Record<string, unknown> }>;
    };
    expect(history.data.map((event) => event.type).filter((type) => type !== 'KeyCreated')).toEqual([...Array(5).fill('KeyUsed'), 'UsageArchived']);
    const archived = history.data.find((event) => event.type === 'UsageArchived')!;
    expect(archived).toMatchObject({ stream: 'usage', acting_key_id: null, data: { events: 30, fileSha256: report.sha256, totals: { accepted: 30 } } });
    expect(archived.data.file).toBe(report.file.split('/').pop());

    // as_of among the archived uses cannot be answered; at or after the last, it can.
    const lastArchived = (archived.data.totals as { lastUsedAt: string }).lastUsedAt;
    // Whether or not the usage views have read the archive yet (their figures did not change).
    await eventually(async () => {
      const early = await fetch(`${service.url}/v1/api-keys/${worker.id}?as_of=${new Date(Date.parse(lastArchived) - 1000).toISOString()}`, { headers: bearer(admin) });
      expect(early.status).toBe(400);
      expect(((await early.json()) as { error: { message: string } }).error.message).toContain(`as_of must be at or after its last archived use, ${lastArchived}`);
    }, 15_000, 100);
    const late = await fetch(`${service.url}/v1/api-keys/${worker.id}?as_of=${new Date(Date.parse(lastArchived) + DAY_MS).toISOString()}`, { headers: bearer(admin) });
    expect(late.status).toBe(200);
    expect(await late.json()).toMatchObject({ request_count: 30 });

    // The CLI's show on a copy of the log with no read model built: the archive is found in the stream.
    const copy = makeTempDir('archive-usage-copy');
    try {
      expect(cli(env(firstDb), ['backup', join(copy.path, 'events.sqlite')]).status).toBe(0);
      const shown = cli({ DATA_DIR: copy.path }, ['show', worker.id, '--json']);
      expect(shown.stderr).toBe('');
      expect(figuresOf(JSON.parse(shown.stdout))).toEqual(figuresBefore);
    } finally {
      copy.remove();
    }

    // Run again: nothing left to archive, no file.
    const again = JSON.parse(cli(env(firstDb), ['archive-usage', '--older-than', '9', '--dir', archives, '--json']).stdout);
    expect(again).toMatchObject({ events: 0, file: null });
    expect(readdirSync(archives)).toHaveLength(1);
  }, 90_000);

  it('a read model rebuilt from the log after the archive counts the archived uses', async () => {
    await stop(service);
    if (readModel === 'embedded') for (const file of readdirSync(dir.path).filter((name) => name.startsWith('read-model'))) rmSync(join(dir.path, file));
    const rebuiltDb = `psk_archive_${randomUUID().slice(0, 8)}`;
    service = await startServiceProcess(env(rebuiltDb));
    await eventually(async () => expect(figuresOf(await usageOf(service, admin, worker.id))).toEqual(figuresBefore), 20_000, 100);
    expect((await usageOf(service, admin, quiet.id)).usage).toMatchObject({ accepted: 1, last_ip: null, last_user_agent: null });
  }, 60_000);

  it('refuses a --before less than 8 days ago or a --dir that is no directory, and says what to give', () => {
    const recent = cli(env(firstDb), ['archive-usage', '--before', new Date(Date.now() - 7 * DAY_MS).toISOString(), '--dir', archives]);
    expect(recent.status).toBe(2);
    expect(recent.stderr).toContain('--before must be at least 8 days ago');
    const missing = cli(env(firstDb), ['archive-usage', '--older-than', '9', '--dir', join(archives, 'missing')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`error: --dir ${join(archives, 'missing')} is no directory: archive-usage writes its file into an existing one\n`);
    const none = cli(env(firstDb), ['archive-usage', '--dir', archives]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--before <instant> or --older-than <days>');
  });
});
