import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite-event-store.js';
import { bearer } from '../support/auth.js';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { createKeyWithCli, type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
// The alert to archive is raised by an instance 17 days in the past (libfaketime), as the privacy audit did.
const runnable = existsSync(LIBFAKETIME) && process.env.FAKETIME === undefined;
if (!runnable) console.log(`Alert archive e2e skipped: it needs libfaketime at ${LIBFAKETIME} (apt-get install faketime) and a run whose clock is not faked`);
const PAST = { FAKETIME: '-17d', LD_PRELOAD: LIBFAKETIME, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
const OLD_ADDRESSES = Array.from({ length: 10 }, (_, i) => `198.51.100.${i + 1}`);
const NEW_ADDRESSES = Array.from({ length: 10 }, (_, i) => `203.0.113.${i + 1}`);

const readModels = process.env.MONGODB_URL ? ['embedded', 'mongodb'] : ['embedded'];

function cli(env: Record<string, string>, args: string[]) {
  return spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv(env) });
}

async function stop(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGTERM');
  await service.exited;
}

/** A use of the key from each address, through the loopback proxy (TRUST_PROXY): many_addresses at the tenth. */
async function useFrom(service: ServiceProcess, key: string, addresses: string[]): Promise<void> {
  for (const address of addresses) {
    expect((await fetch(`${service.url}/v1/whoami`, { headers: { ...bearer(key), 'X-Forwarded-For': address } })).status).toBe(200);
  }
}

type Alert = { id: string; rule: string; evidence: Record<string, unknown> };

async function alertsOf(service: ServiceProcess, admin: string): Promise<Alert[]> {
  return ((await (await fetch(`${service.url}/v1/alerts?limit=100`, { headers: bearer(admin) })).json()) as { data: Alert[] }).data;
}

/** Every row of a table of an embedded file, as text: what an auditor would grep. */
function tableText(file: string, table: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all());
  } finally {
    db.close();
  }
}

/** Every document of the database's alert collections (each generation's), as text. */
async function mongoAlertsText(database: string): Promise<string> {
  const client = new MongoClient(process.env.MONGODB_URL!);
  try {
    const db = client.db(database);
    const names = (await db.listCollections().toArray()).map((collection) => collection.name).filter((name) => name.startsWith('alerts'));
    expect(names.length).toBeGreaterThan(0);
    const docs = await Promise.all(names.map((name) => db.collection(name).find().toArray()));
    return JSON.stringify(docs);
  } finally {
    await client.close();
  }
}

/** The addresses the text names (198.51.100.1 not found in 198.51.100.10). */
const holdsAny = (text: string, addresses: string[]) => addresses.filter((address) => new RegExp(`${address.replaceAll('.', '\\.')}(?![0-9])`).test(text));

(runnable ? describe.each(readModels) : describe.skip.each(readModels))('archive-usage takes the alerts along (%s read model)', (readModel) => {
  const dir = makeTempDir('archive-alerts');
  const archives = join(dir.path, 'archives');
  const database = `psk_alerts_${randomUUID().slice(0, 8)}`;
  const env: Record<string, string> = {
    DATA_DIR: dir.path,
    USAGE_FLUSH_INTERVAL_MS: '100',
    TRUST_PROXY: 'loopback',
    ...(readModel === 'mongodb' ? { MONGODB_URL: process.env.MONGODB_URL!, MONGODB_DB: database } : {}),
  };
  let admin: string;
  let service: ServiceProcess;

  beforeAll(async () => {
    mkdirSync(archives);
    admin = createKeyWithCli(dir.path, [], { ...env, ...PAST }).key;
    const worker = createKeyWithCli(dir.path, ['--permissions', 'keys:read'], { ...env, ...PAST });
    // 17 days ago: 10 addresses within 5 minutes.
    const past = await startServiceProcess({ ...env, ...PAST });
    await useFrom(past, worker.key, OLD_ADDRESSES);
    await eventually(async () => expect((await alertsOf(past, admin)).map((alert) => alert.rule)).toContain('many_addresses'), 30_000, 200);
    await stop(past);
    // Now: 10 others.
    service = await startServiceProcess(env);
    await useFrom(service, worker.key, NEW_ADDRESSES);
    await eventually(async () => expect((await alertsOf(service, admin)).filter((alert) => alert.rule === 'many_addresses')).toHaveLength(2), 30_000, 200);
  }, 120_000);
  afterAll(async () => {
    if (service) await stop(service);
    dir.remove();
  });

  it('moves the alerts raised before the instant into its file and out of the log and the alert views; the recent ones stay listed', async () => {
    const before = await alertsOf(service, admin);
    const old = before.filter((alert) => holdsAny(JSON.stringify(alert), OLD_ADDRESSES).length > 0);
    expect(old.length).toBeGreaterThan(0);

    const run = cli(env, ['archive-usage', '--older-than', '8', '--dir', archives, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.alerts).toBeGreaterThanOrEqual(old.length);
    const lines = gunzipSync(readFileSync(report.file)).toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    const archivedAlerts = lines.filter((event) => event.type === 'AnomalyDetected');
    expect(archivedAlerts).toHaveLength(report.alerts);
    expect(holdsAny(JSON.stringify(archivedAlerts), OLD_ADDRESSES)).toEqual(OLD_ADDRESSES);

    // Listed no more: every alert left names only the recent addresses, by the API and the CLI.
    await eventually(async () => {
      const after = await alertsOf(service, admin);
      expect(after).toHaveLength(before.length - report.alerts);
      expect(holdsAny(JSON.stringify(after), OLD_ADDRESSES)).toEqual([]);
      expect(holdsAny(JSON.stringify(after), NEW_ADDRESSES)).toEqual(NEW_ADDRESSES);
    }, 15_000, 100);
    // As an alert that never was: a cursor naming it is a 404.
    expect((await fetch(`${service.url}/v1/alerts?starting_after=${old[0].id}`, { headers: bearer(admin) })).status).toBe(404);
    const listed = cli(env, ['alerts', '--account', 'acme']);
    expect(listed.status).toBe(0);
    expect(holdsAny(listed.stdout, OLD_ADDRESSES)).toEqual([]);
    expect(holdsAny(listed.stdout, NEW_ADDRESSES)).toEqual(NEW_ADDRESSES);

    // Gone from the log (the uses and the alerts) and from the stored alert views, as an auditor reads them.
    const log = tableText(join(dir.path, 'events.sqlite'), 'events');
    expect(holdsAny(log, OLD_ADDRESSES)).toEqual([]);
    expect(log).toContain('"AlertArchived"');
    const views = readModel === 'mongodb' ? await mongoAlertsText(database) : tableText(join(dir.path, 'read-model.sqlite'), 'alerts');
    expect(holdsAny(views, OLD_ADDRESSES)).toEqual([]);
    expect(holdsAny(views, NEW_ADDRESSES)).toEqual(NEW_ADDRESSES);

    // A replay rebuilds the alert views from the log as it now is: the same listing.
    const listedBefore = await alertsOf(service, admin);
    await stop(service);
    const replay = cli(env, ['replay', '--json']);
    expect(replay.status).toBe(0);
    service = await startServiceProcess(env);
    await eventually(async () => expect(await alertsOf(service, admin)).toEqual(listedBefore), 15_000, 100);
    const rebuilt = readModel === 'mongodb' ? await mongoAlertsText(database) : tableText(join(dir.path, 'read-model.sqlite'), 'alerts');
    expect(holdsAny(rebuilt, OLD_ADDRESSES)).toEqual([]);
  });
});

describe("the CLI's alerts and an archived alert still read from the log", () => {
  it('leaves out an alert whose stream holds an AlertArchived (EventStoreDB before its scavenge, a run cut short before its removal)', async () => {
    const dir = makeTempDir('archived-alert-read');
    try {
      const store = new SqliteEventStore(join(dir.path, 'events.sqlite'));
      const alert = (alertId: string, addresses: string[]) => ({
        type: 'AnomalyDetected',
        schemaVersion: 1,
        data: { alertId, rule: 'many_addresses', keyId: null, accountId: 'acme', ip: null, evidence: { addresses }, windowStart: 'ws', windowEnd: 'we', detectedAt: 'd' },
      });
      const [archived, kept] = ['a'.repeat(32), 'b'.repeat(32)];
      try {
        await store.appendToStream(`anomaly-${archived}`, [alert(archived, OLD_ADDRESSES)], 'no_stream');
        await store.appendToStream(`anomaly-${kept}`, [alert(kept, NEW_ADDRESSES)], 'no_stream');
        const data = { alertId: archived, rule: 'many_addresses', windowStart: 'ws', windowEnd: 'we', detectedAt: 'd', archivedAt: 'a', before: 'b', file: 'f', fileSha256: 's' };
        await store.appendToStream(`anomaly-${archived}`, [{ type: 'AlertArchived', schemaVersion: 1, data }], 0);
      } finally {
        await store.close();
      }
      const listed = cli({ DATA_DIR: dir.path }, ['alerts', '--json']);
      expect(listed.stderr).toBe('');
      expect(listed.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).id)).toEqual([kept]);
    } finally {
      dir.remove();
    }
  });
});
