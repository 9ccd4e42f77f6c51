import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eventually } from '../support/eventually.js';
import { callInstance } from '../support/instance-call.js';
import { createKeyWithCli, type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * An older build opened on a current DATA_DIR beside a running service (an operator's old CLI, an instance not yet
 * upgraded). Builds from 15bcd2c to f8c4a0e^ (2026-11-27 to 2026-12-02) run this whenever they open the log: every
 * projection of a running current service then failed on "no such index", a revocation answered 503 and the revoked
 * key kept authenticating, until a restart.
 */
const WHAT_AN_OLDER_BUILD_RUNS = 'DROP INDEX IF EXISTS events_by_type';

describe('An older build that drops the type index beside a running service', () => {
  const dir = makeTempDir('older-build-beside');
  const output: string[] = [];
  let service: ServiceProcess;
  let admin: string;

  beforeAll(async () => {
    admin = createKeyWithCli(dir.path).key;
    service = await startServiceProcess({ DATA_DIR: dir.path }, { output });
  }, 30_000);

  afterAll(async () => {
    service.child.kill('SIGTERM');
    await service.exited;
    dir.remove();
  });

  const olderBuildOpensTheLog = () => {
    const db = new Database(join(dir.path, 'events.sqlite'));
    try {
      db.exec(WHAT_AN_OLDER_BUILD_RUNS);
    } finally {
      db.close();
    }
  };

  it('goes on: a revocation takes effect, a new key authenticates, readiness stays up, one warning says why', async () => {
    const victim = await callInstance(service, admin, 'POST', '/v1/api-keys', { name: 'victim' });
    expect(victim.status).toBe(201);
    olderBuildOpensTheLog();
    // Every poll of the projections reads by type: give them a few rounds over the dropped index.
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect((await callInstance(service, admin, 'DELETE', `/v1/api-keys/${victim.body.id}`)).status).toBe(200);
    expect((await callInstance(service, victim.body.key)).status).toBe(401);
    olderBuildOpensTheLog();
    const fresh = await callInstance(service, admin, 'POST', '/v1/api-keys', { name: 'after' });
    expect(fresh.status).toBe(201);
    expect((await callInstance(service, fresh.body.key)).status).toBe(200);
    await eventually(async () => expect((await fetch(`${service.url}/health/ready`)).status).toBe(200));

    const lines = output.join('').split('\n');
    expect(lines.filter((line) => line.includes('no such index'))).toEqual([]);
    const warnings = lines.filter((line) => line.includes('missing its index events_by_type'));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    // One per drop at most: the connection that finds it gone first builds it, the others read through it.
    expect(warnings.length).toBeLessThanOrEqual(2);
    expect(JSON.parse(warnings[0]).level).toBe('warn');
  }, 30_000);
});
