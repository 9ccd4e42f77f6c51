import request from 'supertest';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';
const METRICS_TOKEN = 'scrape-token-0123456789';
const ALERT_WEBHOOK_SECRET = 'webhook-signing-secret-0123';

/** A request id is echoed, logged and stored with each use: one holding a configured secret is replaced. */
describe('X-Request-Id holding a configured secret', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { VERIFY_TOKEN, METRICS_TOKEN, ALERT_WEBHOOK_SECRET } });
    admin = (await t.bootstrapKey('acme', 'admin')).key;
  });
  afterAll(() => t.destroy());

  const ids = (secret: string) => [secret, `trace-${secret}-1`, secret.toUpperCase()];

  it.each([VERIFY_TOKEN, METRICS_TOKEN, ALERT_WEBHOOK_SECRET])('replaces %s on express routes and on the routes served ahead of them', async (secret) => {
    for (const id of ids(secret)) {
      const answers = [
        await request(t.http).post('/v1/api-keys').set(bearer(admin)).set('X-Request-Id', id).send({ name: 'traced' }).expect(201),
        await request(t.http).get('/v1/api-keys').set(bearer(admin)).set('X-Request-Id', id).expect(200),
        await request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).set('X-Request-Id', id).send({ key: admin }).expect(200),
      ];
      for (const answer of answers) expect(answer.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    }
  });

  it('keeps an ordinary id', async () => {
    const res = await request(t.http).get('/v1/api-keys').set(bearer(admin)).set('X-Request-Id', 'gateway-trace-0042').expect(200);
    expect(res.headers['x-request-id']).toBe('gateway-trace-0042');
  });
});
