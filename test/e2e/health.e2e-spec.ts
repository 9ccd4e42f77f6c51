import request from 'supertest';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../../src/keys/projection/api-key-read-model.port.js';
import { bearer } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('Health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
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
    // The read models are caught up when the POST answers; the detector, on its own thread, soon after.
    const [readModels, detector] = [res.body.details.projections.projections.slice(0, 4), res.body.details.projections.projections[4]];
    expect(readModels).toEqual(['api-keys', 'key-usage', 'alerts', 'key-table'].map(caughtUp));
    expect(detector).toMatchObject({ name: 'anomaly-detector', status: 'up' });
    await eventually(async () => {
      const again = await request(t.http).get('/health/ready').expect(200);
      expect(again.body.details.projections.projections[4]).toEqual(caughtUp('anomaly-detector'));
    }, 2000);
  });

  it('goes to 503 while the read model is down and back to 200 by itself', async () => {
    const readModel = t.app.get<ApiKeyReadModel>(API_KEY_READ_MODEL);
    const ping = readModel.ping;
    readModel.ping = async () => {
      throw new Error('connection refused');
    };
    try {
      const res = await request(t.http).get('/health/ready').expect(503);
      expect(res.body.error).toEqual({ type: 'service_unavailable_error', message: 'Not ready: read_model' });
      expect(res.body.details.read_model).toEqual({ status: 'down', error: 'connection refused' });
    } finally {
      readModel.ping = ping;
    }
    await request(t.http).get('/health/ready').expect(200);
  });
});
