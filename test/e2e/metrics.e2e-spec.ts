import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import request from 'supertest';
import { ALERT_READ_MODEL, type AlertReadModel } from '../../src/anomalies/projection/alert-read-model.port.js';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { bearer } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { parseExposition, sample } from '../support/prometheus-text.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const VERIFY_TOKEN = 'metrics-test-service-credential-0123456789';
const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

async function scrape(t: TestApp, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const res = await request(t.http).get('/metrics').set(headers).expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(res.text);
}

describe('GET /metrics', () => {
  describe('without METRICS_TOKEN', () => {
    let t: TestApp;
    let admin: { key: string; keyId: string };

    beforeAll(async () => {
      t = await startTestApp({ env: { VERIFY_TOKEN } });
      admin = await t.bootstrapKey('acme', 'admin');
    });
    afterAll(() => t.destroy());

    const verify = (key: string) => request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send({ key }).expect(200);

    it('counts failed verifications sent without context.ip, which no address guard can count', async () => {
      const before = await scrape(t);
      await verify(generateApiKey());
      await verify('sk_not-a-key');
      await request(t.http).post('/v1/keys/verify').set(bearer(VERIFY_TOKEN)).send({ key: generateApiKey(), context: { ip: '198.51.100.4' } }).expect(200);
      await verify(admin.key);
      const after = await scrape(t);
      const series = 'parsesphere_verify_failures_without_client_ip_total';
      expect(sample(after, series) - sample(before, series)).toBe(2);
    });

    it('exposes the default process metrics, open to anyone', async () => {
      const samples = await scrape(t);
      expect(samples.get('process_cpu_user_seconds_total')).toEqual(expect.any(Number));
      expect(samples.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    });

    it('counts a verify whose caller went away mid-body as CLIENT_CLOSED, not as an ERROR of ours', async () => {
      const before = await scrape(t);
      const { port } = (t.http as Server).address() as AddressInfo;
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(`POST /v1/keys/verify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${VERIFY_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"key":`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      const moved = async (code: string) => sample(await scrape(t), `parsesphere_verify_outcomes_total{code="${code}"}`) - sample(before, `parsesphere_verify_outcomes_total{code="${code}"}`);
      await eventually(async () => expect(await moved('CLIENT_CLOSED')).toBe(1));
      expect(await moved('ERROR')).toBe(0);
    });

    it('moves with traffic: verify outcomes, the request histogram, active keys, failures, appends, usage, positions', async () => {
      const before = await scrape(t);

      const created = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'metered' }).expect(201);
      for (let i = 0; i < 3; i++) await verify(created.body.key);
      await verify(generateApiKey());
      await verify('sk_nope');
      await request(t.http).post('/v1/keys/verify').set(bearer('not-the-service-credential')).send({ key: 'x' }).expect(401);
      await request(t.http).get('/v1/api-keys').set(bearer(generateApiKey())).expect(401);
      await flushUsage(t);
      const middle = await scrape(t);
      await request(t.http).delete(`/v1/api-keys/${created.body.id}`).set(bearer(admin.key)).expect(200);
      await verify(created.body.key);
      const after = await scrape(t);

      const moved = (series: string, from = before, to = after) => sample(to, series) - sample(from, series);
      expect(moved('parsesphere_verify_outcomes_total{code="VALID"}')).toBe(3);
      expect(moved('parsesphere_verify_outcomes_total{code="NOT_FOUND"}')).toBe(1);
      expect(moved('parsesphere_verify_outcomes_total{code="MALFORMED"}')).toBe(1);
      expect(moved('parsesphere_verify_outcomes_total{code="REVOKED"}')).toBe(1);
      expect(moved('parsesphere_verify_outcomes_total{code="UNAUTHENTICATED"}')).toBe(1);
      expect(moved('parsesphere_http_request_duration_seconds_count{method="POST",route="/v1/api-keys",status="201"}')).toBe(1);
      expect(moved('parsesphere_http_request_duration_seconds_count{method="DELETE",route="/v1/api-keys/:api_key_id",status="200"}')).toBe(1);
      expect(moved('parsesphere_http_request_duration_seconds_count{method="GET",route="/v1/api-keys",status="401"}')).toBe(1);
      expect(moved('parsesphere_auth_failures_total{reason="unknown"}')).toBe(2);
      expect(moved('parsesphere_auth_failures_total{reason="malformed"}')).toBe(1);
      expect(moved('parsesphere_auth_failures_total{reason="revoked"}')).toBe(1);
      expect(moved('parsesphere_auth_failures_total{reason="service_credential"}')).toBe(1);
      expect(moved('parsesphere_active_keys', before, middle)).toBe(1);
      expect(moved('parsesphere_active_keys', middle, after)).toBe(-1);
      expect(moved('parsesphere_event_append_duration_seconds_count{operation="append",outcome="ok"}')).toBe(2);
      expect(moved('parsesphere_usage_flush_duration_seconds_count{outcome="ok"}', before, middle)).toBeGreaterThanOrEqual(1);
      expect(moved('parsesphere_event_append_duration_seconds_count{operation="append_many",outcome="ok"}', before, middle)).toBeGreaterThanOrEqual(1);
      expect(moved('parsesphere_projection_position{projection="api-keys"}')).toBeGreaterThan(0);
      expect(moved('parsesphere_projection_position{projection="key-table"}')).toBeGreaterThan(0);
      expect(after.get('parsesphere_usage_buffer_depth')).toEqual(expect.any(Number));
    });

    // The metrics audit (2026-12-06): with the read-model store paused, readiness and the logs said `alerts` was down
    // while /metrics showed it at lag 0 (nothing of its types pending) and nothing else about it.
    it('says a projection whose read model refuses writes is down (0), and up (1) once it takes them again', async () => {
      const alerts = t.app.get<AlertReadModel>(ALERT_READ_MODEL);
      const up = async () => (await scrape(t)).get('parsesphere_projection_up{projection="alerts"}');
      expect(await up()).toBe(1);
      const save = alerts.save;
      alerts.save = async () => {
        throw new Error('read model unavailable');
      };
      try {
        // A change of another type: the alerts projection saves its checkpoint past it (at most once a second), and fails.
        await eventually(async () => {
          await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'moves the log' }).expect(201);
          expect(await up()).toBe(0);
        }, 5000, 200);
        expect(await up()).toBe(0);
      } finally {
        alerts.save = save;
      }
      await eventually(async () => expect(await up()).toBe(1), 10_000, 100);
    });

    it('counts keys refused for their pace', async () => {
      const slow = await request(t.http)
        .post('/v1/api-keys')
        .set(bearer(admin.key))
        .send({ rate_limit: { requests: 1, per_seconds: 60 } })
        .expect(201);
      const before = await scrape(t);
      await verify(slow.body.key);
      expect((await verify(slow.body.key)).body).toMatchObject({ valid: false, code: 'RATE_LIMITED', retry_after: 60 });
      const after = await scrape(t);
      expect(sample(after, 'parsesphere_rate_limited_total{limit="key"}') - sample(before, 'parsesphere_rate_limited_total{limit="key"}')).toBe(1);
      expect(sample(after, 'parsesphere_verify_outcomes_total{code="RATE_LIMITED"}') - sample(before, 'parsesphere_verify_outcomes_total{code="RATE_LIMITED"}')).toBe(1);
    });

    it.each([
      ['the Grafana dashboard queries', 'docs/grafana/parsesphere-keys.json', 10],
      ['the alerting rules read', 'docs/grafana/alert-rules.yml', 7],
    ])('exposes every metric %s (%s)', async (_what, file, atLeast) => {
      const queries = readFileSync(file, 'utf8');
      const queried = new Set([...queries.matchAll(/\b((?:parsesphere|process|nodejs)_[a-z0-9_]+)/g)].map(([, name]) => name.replace(/_(bucket|count|sum)$/, '')));
      expect(queried.size).toBeGreaterThan(atLeast);
      const text = (await request(t.http).get('/metrics').expect(200)).text;
      const missing = [...queried].filter((name) => !text.includes(`# TYPE ${name} `));
      expect(missing).toEqual([]);
    });

    it("measures Swagger UI's files under the /docs route, not as unmatched; a file it lacks stays unmatched (404)", async () => {
      const before = await scrape(t);
      await request(t.http).get('/docs/swagger-ui.css').expect(200);
      await request(t.http).get('/docs/swagger-ui-bundle.js').expect(200);
      await request(t.http).get('/docs/no-such-file.js').expect(404);
      const after = await scrape(t);
      const moved = (series: string) => sample(after, series) - sample(before, series);
      expect(moved('parsesphere_http_request_duration_seconds_count{method="GET",route="/docs",status="200"}')).toBe(2);
      expect(moved('parsesphere_http_request_duration_seconds_count{method="GET",route="unmatched",status="200"}')).toBe(0);
      expect(moved('parsesphere_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).toBe(1);
    });

    it('is not in the OpenAPI document', async () => {
      const res = await request(t.http).get('/docs-json').expect(200);
      expect(Object.keys(res.body.paths)).not.toContain('/metrics');
    });
  });

  describe('with METRICS_TOKEN', () => {
    let t: TestApp;
    let caller = 0;

    beforeAll(async () => {
      // Each test fails from its own address (X-Forwarded-For): a wrong token counts in the failed-authentication guard.
      t = await startTestApp({ env: { METRICS_TOKEN, AUTH_FAILURE_LIMIT: 2, TRUST_PROXY: 'loopback' } });
    });
    afterAll(() => t.destroy());

    it.each([
      ['no credential', {}],
      ['another token', bearer('metrics-scrape-token-0123456780')],
      ['the token without the Bearer scheme', { Authorization: METRICS_TOKEN }],
      ['the token with a suffix', bearer(`${METRICS_TOKEN}x`)],
    ])('answers 401 to %s', async (_case, headers) => {
      const res = await request(t.http).get('/metrics').set(headers).set('X-Forwarded-For', `203.0.113.${++caller}`).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="parsesphere"');
      expect(res.body).toEqual({ error: { type: 'authentication_error', message: expect.any(String) } });
    });

    it('measures a POST to the verify path, which does not exist without VERIFY_TOKEN, as any unmatched 404 (it was measured nowhere)', async () => {
      const before = await scrape(t, bearer(METRICS_TOKEN));
      const res = await request(t.http).post('/v1/keys/verify').send({ key: generateApiKey() }).expect(404);
      expect(res.body).toEqual({ error: { type: 'not_found_error', message: 'Cannot POST /v1/keys/verify' } });
      const after = await scrape(t, bearer(METRICS_TOKEN));
      const series = 'parsesphere_http_request_duration_seconds_count{method="POST",route="unmatched",status="404"}';
      expect(sample(after, series) - sample(before, series)).toBe(1);
    });

    it('answers the exposition to the token', async () => {
      const samples = await scrape(t, bearer(METRICS_TOKEN));
      expect(samples.has('parsesphere_active_keys')).toBe(true);
    });

    it('counts an address refused once it is over its failed-authentication allowance (AUTH_FAILURE_LIMIT=2)', async () => {
      const before = await scrape(t, bearer(METRICS_TOKEN));
      const from = { 'X-Forwarded-For': '198.51.100.7' };
      for (let i = 0; i < 2; i++) await request(t.http).get('/v1/api-keys').set(from).set(bearer(generateApiKey())).expect(401);
      await request(t.http).get('/v1/api-keys').set(from).set(bearer(generateApiKey())).expect(429);
      const after = await scrape(t, bearer(METRICS_TOKEN));
      const moved = (series: string) => sample(after, series) - sample(before, series);
      expect(moved('parsesphere_rate_limited_total{limit="address"}')).toBe(1);
      expect(moved('parsesphere_auth_failures_total{reason="unknown"}')).toBe(2);
    });

    it('counts wrong tokens against the address like wrong keys (429 with Retry-After once over the allowance) and in parsesphere_auth_failures_total', async () => {
      const before = await scrape(t, bearer(METRICS_TOKEN));
      const from = { 'X-Forwarded-For': '198.51.100.9' };
      for (let i = 0; i < 2; i++) await request(t.http).get('/metrics').set(from).set(bearer(`wrong-guess-0123456789-${i}`)).expect(401);
      const counted = sample(await scrape(t, bearer(METRICS_TOKEN)), 'parsesphere_auth_failures_total{reason="metrics_token"}');
      expect(counted - sample(before, 'parsesphere_auth_failures_total{reason="metrics_token"}')).toBe(2);
      const refused = await request(t.http).get('/metrics').set(from).set(bearer('wrong-guess-0123456789-x')).expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      await request(t.http).get('/metrics').set(from).set(bearer(METRICS_TOKEN)).expect(429);
      await request(t.http).get('/metrics').set({ 'X-Forwarded-For': '198.51.100.10' }).set(bearer(METRICS_TOKEN)).expect(200);
    });
  });

  // The metrics audit of 2026-12-07: an anomaly alert reached the webhook while /metrics had no series for it, and a
  // failing receiver showed only once alert-webhook went down, ~10 attempts (~2 min) after its first failure.
  describe('with an alert webhook', () => {
    const secret = 'metrics-webhook-secret-0123456789';
    let receiver: WebhookReceiver;
    let t: TestApp;

    beforeAll(async () => {
      receiver = await WebhookReceiver.start(secret);
      t = await startTestApp({ env: { ALERT_WEBHOOK_URL: `${receiver.url}/hooks`, ALERT_WEBHOOK_SECRET: secret, AUTH_FAILURE_LIMIT: 1000 } });
    });
    afterAll(async () => {
      await t.destroy();
      await receiver.close();
    });

    it('counts a finding of the projection thread by rule, and each delivery attempt by outcome, every series there from the start', async () => {
      const before = await scrape(t);
      for (const series of [
        'parsesphere_anomalies_detected_total{rule="revoked_key_used"}',
        'parsesphere_anomalies_detected_total{rule="rate_spike"}',
        'parsesphere_alert_webhook_deliveries_total{outcome="delivered"}',
        'parsesphere_alert_webhook_deliveries_total{outcome="http_error"}',
      ]) {
        expect({ series, value: before.get(series) }).toEqual({ series, value: 0 });
      }
      const admin = await t.bootstrapKey('acme');
      const stolen = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({}).expect(201);
      await request(t.http).delete(`/v1/api-keys/${stolen.body.id}`).set(bearer(admin.key)).expect(200);
      receiver.failNext(1, 500);
      await request(t.http).get('/v1/api-keys').set(bearer(stolen.body.key)).expect(401);
      await flushUsage(t);
      await eventually(() => expect(receiver.accepted()).toHaveLength(1), 15_000);
      const after = await scrape(t);
      expect(after.get('parsesphere_anomalies_detected_total{rule="revoked_key_used"}')).toBe(1);
      expect(after.get('parsesphere_alert_webhook_deliveries_total{outcome="http_error"}')).toBe(1);
      expect(after.get('parsesphere_alert_webhook_deliveries_total{outcome="delivered"}')).toBe(1);
      const labels = [...after.keys()].filter((series) => series.startsWith('parsesphere_anomalies_detected_total') || series.startsWith('parsesphere_alert_webhook_deliveries_total'));
      expect(labels.join('\n')).not.toMatch(new RegExp(`${stolen.body.id}|acme|127\\.0\\.0\\.1`));
    });
  });
});
