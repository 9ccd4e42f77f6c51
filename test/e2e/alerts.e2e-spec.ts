import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer } from '../support/auth.js';
import { createKey } from '../support/keys.js';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { startTestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const anomalyEvents = async (app: { get<T>(token: symbol): T }) =>
  (await app.get<EventStore>(EVENT_STORE).readAll({ after: null, maxCount: 10_000, types: ['AnomalyDetected'] })).length;

describe('Anomaly alerts', () => {
  it('raises an alert when a revoked key is used, lists it for its account only, and never twice', async () => {
    const first = await startTestApp({ env: { AUTH_FAILURE_LIMIT: 1000, TRUST_PROXY: 'loopback' } });
    const admin = await first.bootstrapKey('acme');
    const other = await first.bootstrapKey('globex');
    const stolen = await request(first.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'stolen' }).expect(201);
    await request(first.http).delete(`/v1/api-keys/${stolen.body.id}`).set(bearer(admin.key)).expect(200);
    await request(first.http).get('/v1/api-keys').set(bearer(stolen.body.key)).set('X-Forwarded-For', '198.51.100.4').expect(401);
    await flushUsage(first);

    let alert: Record<string, unknown> = {};
    await eventually(async () => {
      const res = await request(first.http).get('/v1/alerts').set(bearer(admin.key)).expect(200);
      expect(res.body.data).toHaveLength(1);
      alert = res.body.data[0];
    });
    expect(alert).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      rule: 'revoked_key_used',
      key_id: stolen.body.id,
      evidence: expect.any(Object),
      detected_at: expect.any(String),
    });
    expect(JSON.stringify(alert)).not.toContain(stolen.body.key.slice(12));

    const filtered = await request(first.http).get(`/v1/alerts?rule=revoked_key_used&key_id=${stolen.body.id}`).set(bearer(admin.key)).expect(200);
    expect(filtered.body.data).toHaveLength(1);
    const otherRule = await request(first.http).get('/v1/alerts?rule=rate_spike').set(bearer(admin.key)).expect(200);
    expect(otherRule.body.data).toHaveLength(0);
    const foreign = await request(first.http).get('/v1/alerts').set(bearer(other.key)).expect(200);
    expect(foreign.body.data).toHaveLength(0);
    await request(first.http).get('/v1/alerts?rule=bogus').set(bearer(admin.key)).expect(400);
    expect(await anomalyEvents(first.app)).toBe(1);
    await first.close();

    // After a restart the detector reads again what its snapshot does not hold: a finding seen again is refused by the store.
    const second = await startTestApp({ reuse: { dataDir: first.dataDir }, env: { AUTH_FAILURE_LIMIT: 1000, TRUST_PROXY: 'loopback' } });
    try {
      await eventually(async () => {
        const lag = await request(second.http).get('/health/ready').expect(200);
        const detector = lag.body.details.projections.projections.find((p: { name: string }) => p.name === 'anomaly-detector');
        expect(detector.lag_events).toBe(0);
      });
      expect(await anomalyEvents(second.app)).toBe(1);
      const res = await request(second.http).get('/v1/alerts').set(bearer(admin.key)).expect(200);
      expect(res.body.data).toEqual([alert]);
    } finally {
      await second.close();
      await first.destroy();
    }
  });

  it('warns once that a key in use comes within its warning window, at its use or as time passes; never of a key made short-lived', async () => {
    // A one-hour window, so that keys created 3 s before it enter the window while the test runs.
    const t = await startTestApp({ env: { TRUST_PROXY: 'loopback', ANOMALY_THRESHOLDS: JSON.stringify({ expiryWarningHours: 1 }) } });
    try {
      const admin = await t.bootstrapKey('acme');
      const create = (name: string, inMs: number) =>
        request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name, expires_at: new Date(Date.now() + inMs).toISOString() }).expect(201);
      const useOf = (key: string) => () => request(t.http).get('/v1/api-keys?limit=1').set(bearer(key)).set('X-Forwarded-For', '198.51.100.9').expect(200);
      const listed = async () => (await request(t.http).get('/v1/alerts?rule=key_expiring').set(bearer(admin.key)).expect(200)).body.data;
      const shortLived = await create('made to last 30 minutes', 1_800_000);
      const nightly = await create('used before its window only', 3_600_000 + 3000);
      const soon = await create('used in its window', 3_600_000 + 3000);
      await useOf(shortLived.body.key)();
      await useOf(nightly.body.key)();
      await flushUsage(t);
      const nightlyUsedAt = (await request(t.http).get(`/v1/api-keys/${nightly.body.id}`).set(bearer(admin.key)).expect(200)).body.last_used_at;
      const windowStartMs = (key: { expires_at: string }) => Date.parse(key.expires_at) - 3_600_000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, windowStartMs(soon.body) - Date.now() + 100)));
      // Its use is the first event in both windows: it reveals its own and, as time passing, the nightly key's.
      const use = useOf(soon.body.key);
      await use();
      await flushUsage(t);
      let alerts: Record<string, unknown>[] = [];
      await eventually(async () => {
        alerts = await listed();
        expect(alerts).toHaveLength(2);
      });
      const byKey = (key: { id: string }) => alerts.find((alert) => alert.key_id === key.id)!;
      expect(byKey(soon.body)).toMatchObject({
        rule: 'key_expiring',
        ip: '198.51.100.9',
        window_start: new Date(windowStartMs(soon.body)).toISOString(),
        window_end: soon.body.expires_at,
        evidence: { expiresAt: soon.body.expires_at, warningHours: 1, secondsLeft: expect.any(Number), requestId: expect.stringMatching(/^req_/) },
      });
      expect(byKey(nightly.body)).toMatchObject({
        rule: 'key_expiring',
        ip: null,
        window_start: new Date(windowStartMs(nightly.body)).toISOString(),
        window_end: nightly.body.expires_at,
        evidence: { expiresAt: nightly.body.expires_at, warningHours: 1, secondsLeft: expect.any(Number), lastUsedAt: nightlyUsedAt },
      });
      for (const alert of alerts) {
        const { secondsLeft } = alert.evidence as { secondsLeft: number };
        expect(secondsLeft > 3000 && secondsLeft <= 3600).toBe(true);
      }

      await use();
      await useOf(nightly.body.key)();
      await flushUsage(t);
      await eventually(async () => {
        const lag = await request(t.http).get('/health/ready').expect(200);
        const detector = lag.body.details.projections.projections.find((p: { name: string }) => p.name === 'anomaly-detector');
        expect(detector.lag_events).toBe(0);
      });
      expect(await listed()).toEqual(alerts);
      expect(await anomalyEvents(t.app)).toBe(2);
    } finally {
      await t.destroy();
    }
  });

  it('records a burst of failed authentications from one address as an operator alert, listed in no account', async () => {
    // The guesses come from another address than the admin's requests below: a key used from the burst's network after
    // it is an alert of the account (key_used_after_burst), which `alerts --account acme` would then list, or not yet.
    const t = await startTestApp({ env: { AUTH_FAILURE_LIMIT: 1000, TRUST_PROXY: 'loopback' } });
    try {
      const admin = await t.bootstrapKey('acme');
      for (let i = 0; i < 20; i++) {
        await request(t.http).get('/v1/api-keys').set(bearer(`sk_guess${String(i).padStart(33, '0')}`)).set('X-Forwarded-For', '198.51.100.7').expect(401);
      }
      await flushUsage(t);
      const store = t.app.get<EventStore>(EVENT_STORE);
      await eventually(async () => {
        const alerts = await store.readAll({ after: null, maxCount: 100, types: ['AnomalyDetected'] });
        expect(alerts.map((a) => a.data)).toEqual([
          expect.objectContaining({ rule: 'failed_auth_burst', keyId: null, accountId: null, ip: expect.stringMatching(/198\.51\.100\.7/) }),
        ]);
      });
      const listed = await request(t.http).get('/v1/alerts').set(bearer(admin.key)).expect(200);
      expect(listed.body.data).toEqual([]);

      // The operator sees it with the CLI, from the log, in the webhook's shape.
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, ['dist/cli.js', 'alerts', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: t.dataDir }) });
      const unowned = cli('--unowned');
      expect(unowned.status).toBe(0);
      const lines = unowned.stdout.trim().split('\n').map((line) => JSON.parse(line));
      expect(lines).toEqual([
        expect.objectContaining({ type: 'anomaly.detected', data: expect.objectContaining({ rule: 'failed_auth_burst', account_id: null, key_id: null }) }),
      ]);
      expect(cli('--account', 'acme').stdout).toBe('');
      // A table of no alerts of an account says so on stderr, as list's of no keys does: a mistyped --account was a bare header.
      const none = cli('--account', 'acmee', '--table');
      expect([none.status, none.stdout.trimEnd().split('\n').length, none.stderr]).toEqual([0, 1, 'No alerts of account acmee: if you expected some, check --account.\n']);
      expect(cli('--account', 'acmee').stdout).toBe('');
      expect(cli('--rule', 'failed_auth_burst').stdout).toBe(unowned.stdout);
      expect(cli('--rule', 'rate_spike').stdout).toBe('');
      expect(cli('--rule', 'bogus').status).toBe(2);
    } finally {
      await t.destroy();
    }
  });

  it('raises no alert again for old events after a restart with other thresholds, and judges new ones by them', async () => {
    const env = (failedAuthBurstCount: number) => ({ AUTH_FAILURE_LIMIT: 1000, TRUST_PROXY: 'loopback', ANOMALY_THRESHOLDS: JSON.stringify({ failedAuthBurstCount }) });
    const guesses = async (t: { http: Parameters<typeof request>[0] }, count: number, from: string) => {
      for (let i = 0; i < count; i++) {
        await request(t.http).get('/v1/api-keys').set(bearer(`sk_guess${String(i).padStart(33, '0')}`)).set('X-Forwarded-For', from).expect(401);
      }
    };
    const alerted = async (app: { get<T>(token: symbol): T }) =>
      (await app.get<EventStore>(EVENT_STORE).readAll({ after: null, maxCount: 100, types: ['AnomalyDetected'] })).map((e) => [e.data.ip, e.data.windowEnd]);
    const caughtUp = async (t: { http: Parameters<typeof request>[0] }) =>
      eventually(async () => {
        const ready = await request(t.http).get('/health/ready').expect(200);
        const detector = ready.body.details.projections.projections.find((p: { name: string }) => p.name === 'anomaly-detector');
        expect(detector.lag_events).toBe(0);
      });

    const first = await startTestApp({ env: env(5) });
    await guesses(first, 5, '198.51.100.4');
    await flushUsage(first);
    let before: unknown[] = [];
    await eventually(async () => {
      before = await alerted(first.app);
      expect(before).toHaveLength(1);
    });
    await first.close();

    // Under 3, the same five failures would make a burst at the third: another window, so another alert id.
    const second = await startTestApp({ reuse: { dataDir: first.dataDir }, env: env(3) });
    try {
      await caughtUp(second);
      expect(await alerted(second.app)).toEqual(before);
      // Another /24: a second burst of 198.51.100.0/24 within the hour is counted in the hour's summary, not alerted.
      await guesses(second, 3, '192.0.2.5');
      await flushUsage(second);
      await eventually(async () => expect(await alerted(second.app)).toEqual([...before, ['192.0.2.5', expect.any(String)]]));
    } finally {
      await second.close();
      await first.destroy();
    }
  });

  it("lists a burst of refused uses of a known key (from a forbidden address) for the key's own account", async () => {
    const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';
    const t = await startTestApp({ env: { VERIFY_TOKEN, AUTH_FAILURE_LIMIT: 1000, ANOMALY_THRESHOLDS: JSON.stringify({ failedAuthBurstCount: 4 }) } });
    try {
      const admin = await t.bootstrapKey('acme');
      const other = await t.bootstrapKey('globex');
      const fenced = await createKey(t, admin.key, { allowed_ips: ['203.0.113.0/24'] });
      for (let i = 0; i < 4; i++) {
        const answer = await request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send({ key: fenced.key, context: { ip: '10.12.0.1' } }).expect(200);
        expect(answer.body).toEqual({ valid: false, code: 'FORBIDDEN' });
      }
      await flushUsage(t);
      let alerts: Record<string, unknown>[] = [];
      await eventually(async () => {
        alerts = (await request(t.http).get('/v1/alerts').set(bearer(admin.key)).expect(200)).body.data;
        expect(alerts).toHaveLength(1);
      });
      expect(alerts[0]).toMatchObject({
        rule: 'failed_auth_burst',
        key_id: fenced.id,
        ip: '10.12.0.1',
        evidence: expect.objectContaining({ reason: 'forbidden_address', failures: 4, threshold: 4 }),
      });
      expect((await request(t.http).get('/v1/alerts').set(bearer(other.key)).expect(200)).body.data).toEqual([]);
      expect(JSON.stringify(alerts[0])).not.toContain(fenced.key.slice(12));
    } finally {
      await t.destroy();
    }
  });
});

describe('Alert webhook wired into the service', () => {
  it('POSTs each new alert once, signed, with its id for idempotency', async () => {
    const secret = 'webhook-secret-0123456789';
    const receiver = await WebhookReceiver.start(secret);
    const t = await startTestApp({ env: { ALERT_WEBHOOK_URL: `${receiver.url}/hooks`, ALERT_WEBHOOK_SECRET: secret, AUTH_FAILURE_LIMIT: 1000 } });
    try {
      const admin = await t.bootstrapKey('acme');
      const stolen = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({}).expect(201);
      await request(t.http).delete(`/v1/api-keys/${stolen.body.id}`).set(bearer(admin.key)).expect(200);
      await request(t.http).get('/v1/api-keys').set(bearer(stolen.body.key)).expect(401);
      await flushUsage(t);
      await eventually(() => expect(receiver.accepted()).toHaveLength(1), 10_000);
      const [delivery] = receiver.accepted();
      expect(delivery.signatureValid).toBe(true);
      expect(delivery.headers['idempotency-key']).toBe(delivery.id);
      expect(JSON.parse(delivery.rawBody)).toMatchObject({
        id: delivery.id,
        type: 'anomaly.detected',
        data: { rule: 'revoked_key_used', key_id: stolen.body.id, account_id: 'acme' },
      });
      expect(delivery.rawBody).not.toContain(stolen.body.key.slice(12));
    } finally {
      await t.destroy();
      await receiver.close();
    }
  });
});
