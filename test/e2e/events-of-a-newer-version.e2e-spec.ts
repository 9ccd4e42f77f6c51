import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';
const NEWER = /changed by a newer version of the service/;

/**
 * A key event written by a newer version of the service (a rolling upgrade: old and new instances on one log), as
 * the auditor wrote it into the embedded log: a schema version this version does not know, or a type it does not
 * know. Before, one such event stopped the key table for good (every key revoked after it kept authenticating)
 * and a change to its key answered 500.
 */
function appendAsANewerVersion(dataDir: string, keyId: string, type: string, schemaVersion: number, data: Record<string, unknown>, streamId = `api_key-${keyId}`): void {
  const db = new Database(join(dataDir, 'events.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    const { revision } = db.prepare('SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?').get(streamId) as { revision: number | null };
    db.prepare(
      `INSERT INTO events (event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, '{}', ?)`,
    ).run(randomUUID(), streamId, (revision ?? -1) + 1, type, schemaVersion, JSON.stringify({ keyId, accountId: 'acme', ...data }), new Date().toISOString());
  } finally {
    db.close();
  }
}

describe.each(backends())('Key events of a newer version of the service (%s read model)', (backend) => {
  const env = { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 1000 };
  let t: TestApp & { mongoDb?: string };
  let admin: string;

  beforeEach(async () => {
    t = await startTestApp({ backend, env });
    admin = (await t.bootstrapKey('acme')).key;
  });

  afterEach(async () => {
    await t.destroy();
  });

  const create = async (name: string) => (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name }).expect(201)).body as { id: string; key: string };
  const verify = (key: string) => request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send({ key });
  const projection = async (name: string) => {
    const ready = await request(t.http).get('/health/ready').expect(200);
    return (ready.body.details.projections.projections as { name: string; status: string; lag_events: number }[]).find((p) => p.name === name)!;
  };

  it('refuses only the key it cannot read (503), revokes the others as ever, and stays ready', async () => {
    const changed = await create('changed by a newer version');
    const other = await create('revoked after it');
    const untouched = await create('untouched');
    appendAsANewerVersion(t.dataDir, changed.id, 'KeyUpdated', 2, { updatedAt: new Date().toISOString(), name: 'x', labels: {} });

    await request(t.http).delete(`/v1/api-keys/${other.id}`).set(bearer(admin)).expect(200);
    await request(t.http).get('/v1/api-keys').set(bearer(other.key)).expect(401);
    expect((await verify(other.key).expect(200)).body).toEqual({ valid: false, code: 'REVOKED' });

    await eventually(async () => {
      const refused = await request(t.http).get('/v1/api-keys').set(bearer(changed.key)).expect(503);
      expect(refused.body.error.message).toMatch(NEWER);
    });
    const verified = await verify(changed.key).expect(503);
    expect(verified.body.error).toMatchObject({ type: 'service_unavailable_error', message: expect.stringMatching(NEWER) });
    await request(t.http).get('/v1/api-keys').set(bearer(untouched.key)).expect(200);
    // Listed as this version last read it.
    const listed = await request(t.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
    expect(listed.body.data.find((key: { id: string }) => key.id === changed.id)).toMatchObject({ name: 'changed by a newer version', status: 'active' });
    // The stored key views go on past it.
    await eventually(async () => expect(await projection('api-keys')).toMatchObject({ status: 'up', lag_events: 0 }));
    const metrics = await request(t.http).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^parsesphere_keys_changed_by_newer_version 1$/m);

    // Still refused after a restart: the stored view says it could not read it, and the log is read again.
    await t.close();
    t = await startTestApp({ backend, env, reuse: { dataDir: t.dataDir, mongoDb: t.mongoDb } });
    await request(t.http).get('/v1/api-keys').set(bearer(changed.key)).expect(503);
    await request(t.http).get('/v1/api-keys').set(bearer(untouched.key)).expect(200);

    // A revocation goes through, and ends it here too.
    for (const [method, path, body] of [
      ['post', `/v1/api-keys/${changed.id}/disable`],
      ['post', `/v1/api-keys/${changed.id}/enable`],
      ['patch', `/v1/api-keys/${changed.id}`, { name: 'renamed' }],
      ['post', `/v1/api-keys/${changed.id}/roll`, { grace_seconds: 0 }],
    ] as const) {
      const refused = await request(t.http)[method](path).set(bearer(admin)).send(body).expect(503);
      expect(refused.body.error.message).toContain('KeyUpdated (schema version 2)');
    }
    expect((await request(t.http).delete(`/v1/api-keys/${changed.id}`).set(bearer(admin)).expect(200)).body.status).toBe('revoked');
    await request(t.http).get('/v1/api-keys').set(bearer(changed.key)).expect(401);
    expect((await verify(changed.key).expect(200)).body).toEqual({ valid: false, code: 'REVOKED' });
  });

  it('refuses a key whose stream has an event type it does not know (503), as for a newer schema version, and lets a revocation through', async () => {
    const frozen = await create('frozen by a newer version');
    const untouched = await create('untouched');
    appendAsANewerVersion(t.dataDir, frozen.id, 'KeyFrozen', 1, { frozenAt: new Date().toISOString() });
    // A type it does not know in another stream (a newer version's uses) is none of a key's.
    appendAsANewerVersion(t.dataDir, untouched.id, 'KeyUsedInBulk', 1, {}, `api_key_usage-${untouched.id}`);
    const refused = await request(t.http).post(`/v1/api-keys/${frozen.id}/disable`).set(bearer(admin)).expect(503);
    expect(refused.body.error.message).toContain('KeyFrozen (schema version 1)');
    // The key table reads every type in the key streams, not only those it knows: it learns of this one.
    await eventually(async () => {
      const answer = await request(t.http).get('/v1/api-keys').set(bearer(frozen.key)).expect(503);
      expect(answer.body.error.message).toMatch(NEWER);
    });
    expect((await verify(frozen.key).expect(503)).body.error.message).toMatch(NEWER);
    await request(t.http).get('/v1/api-keys').set(bearer(untouched.key)).expect(200);
    await eventually(async () => expect(await projection('api-keys')).toMatchObject({ status: 'up', lag_events: 0 }));
    await eventually(async () => expect((await request(t.http).get('/metrics').expect(200)).text).toMatch(/^parsesphere_keys_changed_by_newer_version 1$/m));

    // Still refused after a restart: the stored key views saw it too.
    await t.close();
    t = await startTestApp({ backend, env, reuse: { dataDir: t.dataDir, mongoDb: t.mongoDb } });
    await request(t.http).get('/v1/api-keys').set(bearer(frozen.key)).expect(503);
    await request(t.http).get('/v1/api-keys').set(bearer(untouched.key)).expect(200);

    await request(t.http).delete(`/v1/api-keys/${frozen.id}`).set(bearer(admin)).expect(200);
    await request(t.http).get('/v1/api-keys').set(bearer(frozen.key)).expect(401);
    expect((await verify(frozen.key).expect(200)).body).toEqual({ valid: false, code: 'REVOKED' });
  });

  it('leaves the anomaly detector running past uses and failures of a newer schema version, skipped', async () => {
    const used = await create('used by a newer version');
    const at = new Date().toISOString();
    appendAsANewerVersion(t.dataDir, used.id, 'KeyUsed', 2, { usedAt: at, requestId: 'n1', ip: { v4: '198.51.100.7' }, outcome: 'accepted' }, `api_key_usage-${used.id}`);
    appendAsANewerVersion(t.dataDir, used.id, 'AuthenticationFailed', 2, { failedAt: at, requestId: 'n2', client: { ip: '198.51.100.7' } }, `auth_failures-${at.slice(0, 10)}`);
    await request(t.http).get('/v1/api-keys').set(bearer(used.key)).expect(200);
    await eventually(async () => expect(await projection('anomaly-detector')).toMatchObject({ status: 'up', lag_events: 0 }));
  });

  it('counts, lists and replays past a use and an alert of a newer schema version whose fields moved, and lists them in history', async () => {
    const used = await create('used past a newer use');
    await request(t.http).get('/v1/api-keys').set(bearer(used.key)).expect(200);
    const alertId = randomUUID().replaceAll('-', '');
    // KeyUsed 2 with its time elsewhere, AnomalyDetected 2 with its id elsewhere: before, the first stopped the usage
    // views and the second the alert views for good, each failing every replay; `alerts` ended at the second.
    appendAsANewerVersion(t.dataDir, used.id, 'KeyUsed', 2, { at: new Date().toISOString(), outcome: 'accepted' }, `api_key_usage-${used.id}`);
    appendAsANewerVersion(t.dataDir, used.id, 'AnomalyDetected', 2, { id: alertId, rule: 'rate_spike' }, `anomaly-${alertId}`);
    await request(t.http).get('/v1/api-keys').set(bearer(used.key)).expect(200);
    await eventually(async () => {
      expect(await projection('key-usage')).toMatchObject({ status: 'up', lag_events: 0 });
      expect(await projection('alerts')).toMatchObject({ status: 'up', lag_events: 0 });
      expect((await request(t.http).get(`/v1/api-keys/${used.id}`).set(bearer(admin)).expect(200)).body.request_count).toBe(2);
    });
    const trail = (await request(t.http).get(`/v1/api-keys/${used.id}/events`).set(bearer(admin)).expect(200)).body.data as { type: string; time: string }[];
    expect(trail.map((e) => e.type)).toEqual(['KeyCreated', 'KeyUsed', 'KeyUsed', 'KeyUsed']);
    expect(trail.every((e) => !Number.isNaN(Date.parse(e.time)))).toBe(true);
    if (backend !== 'embedded') return;
    const cli = (args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: t.dataDir }) });
    const alerts = cli(['alerts']);
    expect([alerts.status, alerts.stderr]).toEqual([0, expect.stringMatching(/^warn: AnomalyDetected \(schema version 2\) at position \d+ .* left out/)]);
    const replay = cli(['replay']);
    expect([replay.status, replay.stderr]).toEqual([0, expect.not.stringMatching(/error/)]);
  });
});
