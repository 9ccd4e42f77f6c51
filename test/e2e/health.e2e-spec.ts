import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import request from 'supertest';
import { KeyTable } from '../../src/keys/authentication/key-table.js';
import { CreateApiKeyCommand } from '../../src/keys/commands/create-api-key/create-api-key.command.js';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../../src/keys/projection/api-key-read-model.port.js';
import { bearer } from '../support/auth.js';
import { damageLogIndexes } from '../support/damaged-log.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const METRICS_TOKEN = 'health-e2e-metrics-token-0123456789';

describe('Health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN } });
  });
  afterAll(() => t.destroy());

  it('answers liveness without a key and without touching any store', async () => {
    await request(t.http).get('/health').expect(200, { status: 'ok' });
  });

  it('reports readiness with store checks and projection lag', async () => {
    const admin = await t.bootstrapKey('acme');
    await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({}).expect(201);
    const caughtUp = (name: string) =>
      expect.objectContaining({ name, status: 'up', lag_events: 0, lag_ms: 0, position: expect.any(Number) });
    const res = await request(t.http).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details.event_store.status).toBe('up');
    expect(res.body.details.read_model.status).toBe('up');
    // The read models are caught up when the POST answers; the stored key views and the detector, on the
    // projection thread and waited for by nobody, soon after.
    const [readModels, background] = [res.body.details.projections.projections.slice(0, 4), res.body.details.projections.projections.slice(4)];
    expect(readModels).toEqual(['audit-log', 'key-usage', 'alerts', 'key-table'].map(caughtUp));
    expect(background).toMatchObject([{ name: 'api-keys', status: 'up' }, { name: 'anomaly-detector', status: 'up' }]);
    await eventually(async () => {
      const again = await request(t.http).get('/health/ready').expect(200);
      expect(again.body.details.projections.projections.slice(4)).toEqual(['api-keys', 'anomaly-detector'].map(caughtUp));
    }, 2000);
  });

  // The logs audit (FerretDB killed under load) read `"status": "up"` beside `"reachable": false`: a monitor reading the
  // statuses saw the store up. Degraded: still 200 (what requests read comes from memory), and says so at the top too.
  it('stays ready while the read-model store is down, and says so: degraded, what requests read comes from memory', async () => {
    const readModel = t.app.get<ApiKeyReadModel>(API_KEY_READ_MODEL);
    const ping = readModel.ping;
    readModel.ping = async () => {
      throw new Error('connection refused');
    };
    try {
      const res = await request(t.http).get('/health/ready').set(bearer(METRICS_TOKEN)).expect(200);
      expect(res.body.status).toBe('degraded');
      expect(res.body.error).toEqual({});
      expect(res.body.details.read_model).toEqual({ status: 'degraded', reachable: false, error: 'connection refused' });
      // The error's text (a driver's names a host and port) was shown to anyone.
      for (const caller of [{}, bearer('not-the-metrics-token-0123456789')]) {
        const anonymous = await request(t.http).get('/health/ready').set(caller).expect(200);
        expect(anonymous.body.details.read_model).toEqual({ status: 'degraded', reachable: false });
        expect(anonymous.body.info.read_model).toEqual({ status: 'degraded', reachable: false });
      }
    } finally {
      readModel.ping = ping;
    }
    const res = await request(t.http).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details.read_model).toEqual({ status: 'up', reachable: true });
  });

  // A read-model store that does not answer (MongoDB frozen, or refusing: the driver waits for a server to select)
  // held the answer for the ping's whole 2 s (2.0 s measured with FerretDB stopped, 1.5 s refusing), past
  // Kubernetes' default probe timeout (1 s): every instance would have failed its readiness probe together, the full
  // outage this check is built to avoid.
  it('answers 200 within a probe timeout of 1 s while the read-model store does not answer', async () => {
    const readModel = t.app.get<ApiKeyReadModel>(API_KEY_READ_MODEL);
    const ping = readModel.ping;
    readModel.ping = () => new Promise<void>(() => undefined);
    try {
      const started = performance.now();
      const res = await request(t.http).get('/health/ready').set(bearer(METRICS_TOKEN)).expect(200);
      const tookMs = performance.now() - started;
      expect(res.body.details.read_model).toEqual({ status: 'degraded', reachable: false, error: expect.stringMatching(/^no answer within \d+ ms$/) });
      expect(tookMs).toBeLessThan(800);
    } finally {
      readModel.ping = ping;
    }
  });

  // It stayed 200 while every append failed on a log SQLite found damaged (a restore over the running service), and
  // those appends answered 500.
  it('goes to 503 once a change fails on a damaged log, names it only to the METRICS_TOKEN holder, and is ready again once it can be written', async () => {
    const admin = await t.bootstrapKey('acme');
    await request(t.http).get('/health/ready').expect(200);
    const repair = damageLogIndexes(join(t.dataDir, 'events.sqlite'));
    try {
      const refused = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'on a damaged log' }).expect(503);
      expect(refused.body.error.type).toBe('service_unavailable_error');
      expect(refused.headers['retry-after']).toBe('1');
      const ready = await request(t.http).get('/health/ready').set(bearer(METRICS_TOKEN)).expect(503);
      // The projections reading the log fail on it too.
      expect(ready.body.error).toEqual({ type: 'service_unavailable_error', message: expect.stringMatching(/^Not ready: event_store\b/) });
      expect(ready.body.details.event_store).toEqual({
        status: 'down',
        damaged: true,
        error: expect.stringMatching(/events\.sqlite cannot be written: malformed database schema/),
      });
      // Damage is said to a caller without the token too; its text is not.
      expect((await request(t.http).get('/health/ready').expect(503)).body.details.event_store).toEqual({ status: 'down', damaged: true });
    } finally {
      repair();
    }
    // The projections retry at once when the log answers again.
    await eventually(async () => void (await request(t.http).get('/health/ready').expect(200)), 5000);
    await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'once repaired' }).expect(201);
  });

  it('goes to 503 while a read model lags beyond the limit, with the lag in its body, and back to 200 once caught up', async () => {
    const lagging = await startTestApp({ env: { READINESS_MAX_LAG_EVENTS: 2 } });
    let release = () => undefined as void;
    try {
      await lagging.bootstrapKey('acme');
      await request(lagging.http).get('/health/ready').expect(200);
      // The key table stalls: its projection stays subscribed (running) but falls behind the log.
      const table = lagging.app.get(KeyTable);
      const handle = table.handle.bind(table);
      const stalled = new Promise<void>((resolve) => (release = resolve));
      table.handle = async (events) => {
        await stalled;
        return handle(events);
      };
      const commands = lagging.app.get(CommandBus);
      for (let i = 0; i < 4; i++) await commands.execute(new CreateApiKeyCommand('acme', `key ${i}`, null, null, null));

      await eventually(async () => {
        const res = await request(lagging.http).get('/health/ready').expect(503);
        expect(res.body.error).toEqual({ type: 'service_unavailable_error', message: 'Not ready: projections' });
        // As on the API's other 503s; there was none.
        expect(res.headers['retry-after']).toBe('1');
        expect(res.body.details.projections).toMatchObject({ max_lag_events: 2, max_lag_ms: 10_000 });
        const keyTable = res.body.details.projections.projections.find((p: { name: string }) => p.name === 'key-table');
        // The four keys are pending (the first is stuck in the stalled batch).
        expect(keyTable).toMatchObject({ status: 'lagging', lag_events: 4, lag_events_capped: false });
      });
      // Liveness does not depend on it.
      await request(lagging.http).get('/health').expect(200);

      release();
      await eventually(async () => {
        const res = await request(lagging.http).get('/health/ready').expect(200);
        expect(res.body.details.projections.projections.every((p: { status: string }) => p.status === 'up')).toBe(true);
      });
    } finally {
      release();
      await lagging.destroy();
    }
  });
});
