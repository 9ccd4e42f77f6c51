import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ANOMALY_DETECTED, anomalyStreamId } from '../../src/anomalies/domain/anomaly.js';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { FakeScanner } from '../support/fake-secret-scanner.js';
import { type Exchange, exchangeProblems, type OpenApiDocument, operationAt, schemaProblems } from '../support/openapi-conformance.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const VERIFY_TOKEN = 'verify-token-for-the-openapi-answers-suite';

/** One exchange as a generated client sees it: what it sent, the status, the headers, the parsed body. */
async function exchange(call: request.Test, method: string, url: string, sent?: unknown): Promise<Exchange> {
  const res = await (sent === undefined ? call : call.send(sent as object));
  return { method, url, sent, status: res.status, headers: res.headers as Record<string, string>, body: res.text === '' ? undefined : JSON.parse(res.text) };
}

// schemathesis checks that sampled answers conform; this suite calls every operation as a customer's generated client
// would (openapi-typescript + openapi-fetch; openapi-python-client), the errors too, and holds the document to every
// field and header answered: none undeclared, none in an object the document leaves without a shape.
describe('The OpenAPI document against real answers of every operation', () => {
  let t: TestApp;
  let scanner: FakeScanner;
  let doc: OpenApiDocument;
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    scanner = await FakeScanner.start();
    t = await startTestApp({ env: { VERIFY_TOKEN, SECRET_SCANNING_PUBLIC_KEYS: scanner.keysUrl, SECRET_SCANNING_ACTION: 'notify' } });
    doc = (await request(t.http).get('/docs-json').expect(200)).body;

    const admin = (await t.bootstrapKey('acme')).key;
    const as = (key: string) => ({
      get: (url: string) => exchange(request(t.http).get(url).set(bearer(key)), 'GET', url),
      post: (url: string, sent?: unknown, headers: Record<string, string> = {}) => exchange(request(t.http).post(url).set(bearer(key)).set(headers), 'POST', url, sent),
      patch: (url: string, sent: unknown, headers: Record<string, string> = {}) => exchange(request(t.http).patch(url).set(bearer(key)).set(headers), 'PATCH', url, sent),
      delete: (url: string) => exchange(request(t.http).delete(url).set(bearer(key)), 'DELETE', url),
    });
    const api = as(admin);
    const record = (answer: Exchange) => {
      exchanges.push(answer);
      return answer;
    };

    const created = record(await api.post('/v1/api-keys', { name: 'Production API Key' }));
    const { id, key } = created.body as { id: string; key: string };
    record(await api.post('/v1/api-keys', {}, { 'Idempotency-Key': 'answers-1' }));
    record(await api.post('/v1/api-keys', {}, { 'Idempotency-Key': 'answers-1' }));
    record(await api.post('/v1/api-keys', { name: 'another request' }, { 'Idempotency-Key': 'answers-1' }));
    const reader = (record(await api.post('/v1/api-keys', { permissions: ['keys:read'], rate_limit: { requests: 2, per_seconds: 3600 }, expires_in_seconds: 3600 })).body as { key: string }).key;
    const elsewhere = (record(await api.post('/v1/api-keys', { allowed_ips: ['203.0.113.0/24'] })).body as { key: string }).key;
    const parser = (record(await api.post('/v1/api-keys', { name: 'parser', permissions: ['parses:read'] })).body as { key: string }).key;

    record(await api.get('/v1/api-keys?limit=1'));
    record(await api.get('/v1/api-keys?include=requests_per_hour&status=active&name_prefix=prod'));
    record(await api.get('/v1/api-keys?limit=0'));
    record(await api.get(`/v1/api-keys?starting_after=${randomUUID()}`));
    record(await as(key).get('/v1/whoami'));
    const got = record(await api.get(`/v1/api-keys/${id}`));
    record(await api.get(`/v1/api-keys/${id}?as_of=${encodeURIComponent(new Date().toISOString())}`));
    record(await api.get(`/v1/api-keys/${randomUUID()}`));

    record(await api.patch(`/v1/api-keys/${id}`, { name: 'Renamed', expires_at: null }, { 'If-Match': got.headers.etag! }));
    record(await api.patch(`/v1/api-keys/${id}`, { name: 'Stale' }, { 'If-Match': got.headers.etag! }));
    record(await api.post(`/v1/api-keys/${id}/disable`));
    record(await api.post(`/v1/api-keys/${id}/enable`));
    const rolled = record(await api.post(`/v1/api-keys/${id}/roll`, { grace_seconds: 60, close_when_idle_seconds: 30 }));
    record(await api.post(`/v1/api-keys/${id}/roll`, { grace_seconds: 60 }));
    record(await api.get(`/v1/api-keys/${id}`));
    record(await api.delete(`/v1/api-keys/${(rolled.body as { id: string }).id}`));

    // History and audit log: their events' data, as stored.
    record(await api.get(`/v1/api-keys/${id}/events`));
    record(await api.get(`/v1/api-keys/${id}/events?direction=newest_first&order=log&limit=2`));
    await eventually(async () => expect((record(await api.get(`/v1/events?key_id=${id}`)).body as { data: unknown[] }).data.length).toBeGreaterThan(4));

    // An alert with its evidence, as the detector records one.
    const alertId = randomUUID().replaceAll('-', '');
    const at = new Date().toISOString();
    const evidence = { requests: 1200, baseline: 40, addresses: ['203.0.113.7'] };
    const data = { alertId, rule: 'rate_spike', keyId: id, accountId: 'acme', ip: null, evidence, windowStart: at, windowEnd: at, detectedAt: at };
    await t.app.get<EventStore>(EVENT_STORE).appendToStream(anomalyStreamId(alertId), [{ type: ANOMALY_DETECTED, schemaVersion: 1, data }], 'no_stream');
    await eventually(async () => expect((record(await api.get('/v1/alerts?rule=rate_spike')).body as { data: unknown[] }).data).toHaveLength(1));

    // Refusals.
    record(await as('sk_wrong').get('/v1/api-keys'));
    record(await as(reader).post('/v1/api-keys', {}));
    record(await as(elsewhere).get('/v1/whoami'));
    record(await as(reader).get('/v1/alerts'));
    record(await as(reader).get('/v1/alerts'));
    record(await exchange(request(t.http).post('/v1/api-keys').set(bearer(admin)).set('Content-Type', 'text/plain').send('x'), 'POST', '/v1/api-keys'));
    record(await api.post('/v1/api-keys', { name: 'x'.repeat(20_000) }));

    // Probes, the secret scanner (as GitHub sends a report) and the gateways' verify.
    record(await exchange(request(t.http).get('/health'), 'GET', '/health'));
    record(await exchange(request(t.http).get('/health/ready'), 'GET', '/health/ready'));
    const report = [{ token: 'sk_not_a_key_of_this_service', type: 'parsesphere_api_key', url: 'https://github.com/octocat/hello/blob/abc123/config.js', source: 'content' }];
    const reported = await scanner.post(t, report);
    record({ method: 'POST', url: '/v1/secret-scanning/reports', sent: report, status: reported.status, headers: reported.headers as Record<string, string>, body: reported.body });
    const verify = (sent: unknown, credential = VERIFY_TOKEN) => exchange(request(t.http).post('/v1/keys/verify').set(bearer(credential)), 'POST', '/v1/keys/verify', sent);
    record(await verify({ key: admin, context: { ip: '198.51.100.1', method: 'POST', path: '/v1/parses', user_agent: 'sdk/1.2' } }));
    record(await verify({ key: generateApiKey() }));
    record(await verify({ key: parser, required_permissions: ['parses:read', 'parses:write'] }));
    record(await verify({ key: reader }));
    record(await verify({ key: admin }, 'a-wrong-credential'));
  });

  afterAll(async () => {
    await t?.destroy();
    await scanner?.close();
  });

  it('answers every operation of the document', () => {
    const answered = new Set(exchanges.map((one) => operationAt(doc, one.method, one.url)?.operation.operationId));
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    expect(operations.filter((operationId) => !answered.has(operationId))).toEqual([]);
    const statuses = [...new Set(exchanges.map((one) => one.status))].sort();
    expect(statuses).toEqual([200, 201, 400, 401, 403, 404, 409, 412, 413, 415, 429]);
  });

  // And every request the service took, as the document allows it: GitHub's report, verify's context, each creation.
  it('declares every status, header and field answered, and types each as answered', () => {
    expect(exchanges.filter((one) => one.sent !== undefined && one.status < 400).length).toBeGreaterThan(10);
    expect(exchanges.flatMap((one) => exchangeProblems(doc, one))).toEqual([]);
  });

  // Declared as one model whose fields were all optional but `valid`, a valid key's key_id was `string | undefined` to
  // a strict TypeScript client, and a RATE_LIMITED's retry_after too: each verdict is now one of four models, and every
  // field it carries is required there (rate_limit of RATE_LIMITED aside: absent when the address is limited).
  it("types each of verify's verdicts as its own shape, every field it carries required", () => {
    const schema = doc.paths['/v1/keys/verify']!.post!.responses['200']!.content!['application/json']!.schema as { oneOf?: { $ref: string }[] };
    const verdicts = exchanges.filter((one) => one.url === '/v1/keys/verify' && one.status === 200).map((one) => one.body as Record<string, unknown>);
    expect(verdicts.map((verdict) => verdict.code ?? 'VALID').sort()).toEqual(['INSUFFICIENT_PERMISSIONS', 'NOT_FOUND', 'RATE_LIMITED', 'VALID']);
    expect(schema.oneOf).toHaveLength(4);
    for (const verdict of verdicts) {
      const models = schema.oneOf!.map(({ $ref }) => doc.components.schemas[$ref.replace('#/components/schemas/', '')]!);
      const matching = models.filter((model) => schemaProblems(doc, model, verdict).length === 0);
      expect([verdict, matching.length]).toEqual([verdict, 1]);
      const optional = Object.keys(verdict).filter((field) => !(matching[0]!.required as string[]).includes(field));
      expect([verdict, optional]).toEqual([verdict, verdict.code === 'RATE_LIMITED' ? ['rate_limit'] : []]);
    }
  });
});
