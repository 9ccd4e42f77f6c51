import { jest } from '@jest/globals';
import { generateKeyPairSync, hash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { REPORTS_RATE_LIMIT } from '../../src/keys/edge/report-leaked-keys/report-leaked-keys.http-handler.js';
import { REPORTS_OUTCOMES } from '../../src/keys/edge/report-leaked-keys/secret-scanning-metrics.js';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { apiKeyStreamId } from '../../src/keys/domain/api-key-events.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { bearer } from '../support/auth.js';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { parseExposition, sample } from '../support/prometheus-text.js';
import { makeTempDir } from '../support/temp-dir.js';
import { FakeScanner, SCANNER_KEY_ID, SECRET_SCANNING_PATH } from '../support/fake-secret-scanner.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const PATH = SECRET_SCANNING_PATH;
const KEY_ID = SCANNER_KEY_ID;

const sha256 = (text: string) => hash('sha256', text, 'hex');
const streamOf = (t: TestApp, keyId: string) => t.app.get<EventStore>(EVENT_STORE).readStream(apiKeyStreamId(keyId));
const allEventsText = async (t: TestApp) => JSON.stringify(await t.app.get<EventStore>(EVENT_STORE).readAll({ after: null, maxCount: 100_000 }));

describe('POST /v1/secret-scanning/reports', () => {
  let scanner: FakeScanner;
  beforeAll(async () => {
    scanner = await FakeScanner.start();
  });
  afterAll(() => scanner.close());

  it('answers a signed report with a verdict per token, revokes a real key, records it in its history, and alerts its account only', async () => {
    const receiver = await WebhookReceiver.start('webhook-secret-0123456789');
    const t = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: scanner.keysUrl, ALERT_WEBHOOK_URL: receiver.url, ALERT_WEBHOOK_SECRET: 'webhook-secret-0123456789' } });
    try {
      const admin = await t.bootstrapKey('acme');
      const other = await t.bootstrapKey('globex');
      const leaked = (await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'ci' }).expect(201)).body;
      const unknown = generateApiKey();
      const url = `https://github.com/octocat/hello/blob/abc123/.env?token=${leaked.key}`;
      const reports = [
        { token: leaked.key, type: 'parsesphere_api_key', url, source: 'content' },
        { token: unknown, type: 'parsesphere_api_key', url: 'https://github.com/o/r', source: 'commit' },
        { token: 'sk_not-our-format', type: 'parsesphere_api_key', url: 'https://github.com/o/r', source: 'content' },
      ];
      const res = await scanner.post(t, reports).expect(200);
      expect(res.body).toEqual([
        { token_hash: sha256(leaked.key), token_type: 'parsesphere_api_key', label: 'true_positive' },
        { token_hash: sha256(unknown), token_type: 'parsesphere_api_key', label: 'false_positive' },
        { token_hash: sha256('sk_not-our-format'), token_type: 'parsesphere_api_key', label: 'false_positive' },
      ]);

      // Revoked before the answer: the leaked key authenticates no more.
      await request(t.http).get('/v1/whoami').set(bearer(leaked.key)).expect(401);
      const history = await request(t.http).get(`/v1/api-keys/${leaked.id}/events?direction=newest_first`).set(bearer(admin.key)).expect(200);
      expect(history.body.data.slice(0, 2).map((event: { type: string }) => event.type)).toEqual(['KeyRevoked', 'KeyLeakReported']);
      expect(history.body.data[1].data).toEqual({
        keyId: leaked.id,
        accountId: 'acme',
        reportedAt: expect.any(String),
        scanner: 'github',
        tokenType: 'parsesphere_api_key',
        sourceUrl: `https://github.com/octocat/hello/blob/abc123/.env?token=${leaked.key.slice(0, 12)}…[redacted]`,
        source: 'content',
        action: 'revoked',
      });

      // The owner learns of it as of any alert; the other account sees nothing.
      await eventually(async () => {
        const alerts = await request(t.http).get('/v1/alerts?rule=key_leaked').set(bearer(admin.key)).expect(200);
        expect(alerts.body.data).toEqual([expect.objectContaining({ rule: 'key_leaked', key_id: leaked.id, evidence: expect.objectContaining({ action: 'revoked', scanner: 'github' }) })]);
      });
      expect((await request(t.http).get('/v1/alerts').set(bearer(other.key)).expect(200)).body.data).toEqual([]);
      await eventually(() => expect(receiver.requests.filter((r) => r.rawBody.includes('key_leaked'))).toHaveLength(1));
      const delivered = JSON.parse(receiver.requests.find((r) => r.rawBody.includes('key_leaked'))!.rawBody);
      expect(delivered.data).toMatchObject({ rule: 'key_leaked', account_id: 'acme', key_id: leaked.id });

      // The token itself is nowhere in the log (its hash as KeyCreated's secretHash is; the reports' tokens are not).
      const log = await allEventsText(t);
      expect(log).not.toContain(leaked.key.slice(12));
      expect(log).not.toContain(unknown.slice(12));
      expect(JSON.stringify(receiver.requests.map((r) => r.rawBody))).not.toContain(leaked.key.slice(12));
    } finally {
      await t.destroy();
      await receiver.close();
    }
  });

  it('appends nothing for a token reported again', async () => {
    const t = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: scanner.keysUrl } });
    try {
      const admin = await t.bootstrapKey('acme');
      const report = [{ token: admin.key, type: 'parsesphere_api_key', url: 'https://github.com/o/r', source: 'content' }];
      const first = await scanner.post(t, report).expect(200);
      const events = (await streamOf(t, admin.keyId)).length;
      expect(events).toBe(3);
      const again = await scanner.post(t, [...report, ...report]).expect(200);
      expect(again.body).toEqual([first.body[0], first.body[0]]);
      expect((await streamOf(t, admin.keyId)).length).toBe(events);
    } finally {
      await t.destroy();
    }
  });

  it('tells each new place a working key is found in (notify), and acts again on a key enabled after a disable', async () => {
    for (const action of ['notify', 'disable'] as const) {
      const t = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: scanner.keysUrl, SECRET_SCANNING_ACTION: action } });
      try {
        const admin = await t.bootstrapKey('acme');
        const key = (await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'ci' }).expect(201)).body;
        const at = (url: string) => [{ token: key.key, type: 'parsesphere_api_key', url, source: 'content' }];
        await scanner.post(t, at('https://github.com/o/a')).expect(200);
        if (action === 'disable') await request(t.http).post(`/v1/api-keys/${key.id}/enable`).set(bearer(admin.key)).expect(200);
        // A retry of place A adds nothing; place B is told, twice in one batch once.
        const second = await scanner.post(t, [...at('https://github.com/o/a'), ...at('https://github.com/o/b'), ...at('https://github.com/o/b')]).expect(200);
        expect(second.body.map((verdict: { label: string }) => verdict.label)).toEqual(['true_positive', 'true_positive', 'true_positive']);
        const types = (await streamOf(t, key.id)).map((event) => event.type);
        expect(types).toEqual(
          action === 'disable'
            ? ['KeyCreated', 'KeyLeakReported', 'KeyDisabled', 'KeyEnabled', 'KeyLeakReported', 'KeyDisabled']
            : ['KeyCreated', 'KeyLeakReported', 'KeyLeakReported'],
        );
        await request(t.http).get('/v1/whoami').set(bearer(key.key)).expect(action === 'disable' ? 401 : 200);
        await eventually(async () => {
          const alerts = await request(t.http).get('/v1/alerts?rule=key_leaked').set(bearer(admin.key)).expect(200);
          const places = alerts.body.data.map((alert: { evidence: { sourceUrl: string } }) => alert.evidence.sourceUrl);
          expect(places.sort()).toEqual(['https://github.com/o/a', 'https://github.com/o/b']);
        });
      } finally {
        await t.destroy();
      }
    }
  });

  it('disables the key under SECRET_SCANNING_ACTION=disable, and only alerts under notify (keys file given as a path)', async () => {
    const dir = makeTempDir('scan-keys');
    const keysFile = join(dir.path, 'secret_scanning.json');
    writeFileSync(keysFile, scanner.document);
    for (const [action, expected] of [
      ['disable', 'disabled'],
      ['notify', 'active'],
    ] as const) {
      const t = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: keysFile, SECRET_SCANNING_ACTION: action } });
      try {
        const admin = await t.bootstrapKey('acme');
        const key = (await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: 'ci' }).expect(201)).body;
        await scanner.post(t, [{ token: key.key, type: 'parsesphere_api_key' }]).expect(200);
        const shown = await request(t.http).get(`/v1/api-keys/${key.id}`).set(bearer(admin.key)).expect(200);
        expect(shown.body.status).toBe(expected);
        const types = (await streamOf(t, key.id)).map((event) => event.type);
        expect(types).toEqual(action === 'disable' ? ['KeyCreated', 'KeyLeakReported', 'KeyDisabled'] : ['KeyCreated', 'KeyLeakReported']);
      } finally {
        await t.destroy();
      }
    }
    dir.remove();
  });
});

describe("a reported key in the operator CLI's show", () => {
  // Until 2026-12-07 show named the first report only, though a key records up to 20 places (each a KeyLeakReported).
  it('shows every recorded report (text and JSON, the first still as leak_report), from the log, once the service has recorded them', async () => {
    const scanner = await FakeScanner.start();
    const t = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: scanner.keysUrl, SECRET_SCANNING_ACTION: 'notify' } });
    try {
      const admin = await t.bootstrapKey('acme');
      await scanner.post(t, [{ token: admin.key, type: 'parsesphere_api_key', url: 'https://github.com/o/r/blob/abc/.env', source: 'content' }]).expect(200);
      await scanner.post(t, [{ token: admin.key, type: 'parsesphere_api_key', url: 'https://github.com/o/fork/blob/def/.env', source: 'commit' }]).expect(200);
      await scanner.post(t, [{ token: admin.key, type: 'parsesphere_api_key' }]).expect(200);
      await t.close();
      const show = (args: string[]) =>
        spawnSync(process.execPath, ['dist/cli.js', 'show', admin.keyId, ...args], { env: childEnv({ DATA_DIR: t.dataDir, LOG_LEVEL: 'fatal' }), encoding: 'utf8' });
      const text = show(['--table']);
      expect(text.stderr).toBe('');
      const reported = text.stdout.split('\n').filter((line) => line.startsWith('leak reported'));
      expect(reported).toEqual([
        expect.stringMatching(/^leak reported\s+\S+Z by github at https:\/\/github\.com\/o\/r\/blob\/abc\/\.env \(action: none\)$/),
        expect.stringMatching(/^leak reported\s+\S+Z by github at https:\/\/github\.com\/o\/fork\/blob\/def\/\.env \(action: none\)$/),
        expect.stringMatching(/^leak reported\s+\S+Z by github \(action: none\)$/),
      ]);
      const json = JSON.parse(show(['--json']).stdout);
      const first = {
        reported_at: expect.any(String),
        scanner: 'github',
        token_type: 'parsesphere_api_key',
        source_url: 'https://github.com/o/r/blob/abc/.env',
        source: 'content',
        action: 'none',
      };
      // leak_report stays the first report, as scripts read it before leak_reports was added.
      expect(json.leak_report).toEqual(first);
      expect(json.leak_reports).toEqual([
        first,
        { ...first, source_url: 'https://github.com/o/fork/blob/def/.env', source: 'commit' },
        { ...first, source_url: null, source: null },
      ]);
      // As of just before the first report: none, both absent, so the JSON is the API's key and its revision.
      const before = JSON.parse(show(['--json', '--as-of', new Date(Date.parse(json.leak_report.reported_at) - 1).toISOString()]).stdout);
      expect(before).not.toHaveProperty('leak_report');
      expect(before).not.toHaveProperty('leak_reports');
    } finally {
      await t.destroy();
      await scanner.close();
    }
  });
});

describe('POST /v1/secret-scanning/reports security', () => {
  let scanner: FakeScanner;
  beforeAll(async () => {
    scanner = await FakeScanner.start();
  });
  afterAll(() => scanner.close());

  it('is in the OpenAPI document with no API key, its unsigned answer the declared 401', async () => {
    const t = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: scanner.keysUrl } });
    try {
      const doc = (await request(t.http).get('/docs-json').expect(200)).body;
      const operation = doc.paths[PATH].post;
      expect(operation.operationId).toBe('reportLeakedKeys');
      expect(operation.security).toEqual([]);
      expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '404', '413', '415', '429', '500', '503']);
      expect(operation.responses['401'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
      expect(operation.requestBody.content['application/json'].schema).toEqual({ type: 'array', items: { $ref: '#/components/schemas/SecretScanningReport' } });
      const unsigned = await request(t.http).post(PATH).set('Content-Type', 'application/json').send('[]').expect(401);
      expect(unsigned.headers['www-authenticate']).toBe(operation.responses['401'].headers['WWW-Authenticate'].schema.example);
      expect(unsigned.headers['cache-control']).toBe('no-store');
    } finally {
      await t.destroy();
    }
  });

  it('does not exist without SECRET_SCANNING_PUBLIC_KEYS', async () => {
    const t = await startTestApp();
    try {
      const res = await scanner.post(t, []).expect(404);
      expect(res.body.error.type).toBe('not_found_error');
    } finally {
      await t.destroy();
    }
  });

  it('refuses unsigned, badly signed and altered reports with 401 before reading them, and changes nothing', async () => {
    const t = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: scanner.keysUrl } });
    try {
      const admin = await t.bootstrapKey('acme');
      const body = JSON.stringify([{ token: admin.key, type: 'parsesphere_api_key', url: 'https://github.com/o/r', source: 'content' }]);
      const signature = scanner.signature(body);
      const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
      const attempts: [Record<string, string>, string][] = [
        [{}, body],
        [{ 'Github-Public-Key-Identifier': KEY_ID }, body],
        [{ 'Github-Public-Key-Signature': signature }, body],
        [{ 'Github-Public-Key-Identifier': 'unknown', 'Github-Public-Key-Signature': signature }, body],
        [{ 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': scanner.signature(body, stranger) }, body],
        [{ 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': 'bm90IGEgc2lnbmF0dXJl' }, body],
        [{ 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': signature }, body.replace('content', 'contenT')],
        // Not JSON, but unsigned: refused for the signature, so a stranger learns nothing of how bodies are read.
        [{}, '[{"token":'],
      ];
      for (const [headers, sent] of attempts) {
        const res = await request(t.http).post(PATH).set('Content-Type', 'application/json').set(headers).send(sent);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ error: { type: 'authentication_error', message: expect.any(String) } });
      }
      expect((await streamOf(t, admin.keyId)).map((event) => event.type)).toEqual(['KeyCreated']);
      await request(t.http).get('/v1/whoami').set(bearer(admin.key)).expect(200);
    } finally {
      await t.destroy();
    }
  });

  it('bounds the body, refuses a signed body that is no array of reports, and limits the pace of signed reports per address', async () => {
    const t = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: scanner.keysUrl } });
    try {
      const big = JSON.stringify([{ token: 'x'.repeat(70 * 1024), type: 't' }]);
      const tooLarge = await request(t.http)
        .post(PATH)
        .set('Content-Type', 'application/json')
        .set('Github-Public-Key-Identifier', KEY_ID)
        .set('Github-Public-Key-Signature', scanner.signature(big))
        .send(big);
      expect(tooLarge.status).toBe(413);
      for (const shape of [{ token: 'x' }, [{ type: 't' }], [{ token: 1, type: 't' }], ['x']]) {
        const body = JSON.stringify(shape);
        const res = await request(t.http)
          .post(PATH)
          .set('Content-Type', 'application/json')
          .set('Github-Public-Key-Identifier', KEY_ID)
          .set('Github-Public-Key-Signature', scanner.signature(body))
          .send(body);
        expect(res.status).toBe(400);
        expect(res.body.error.type).toBe('invalid_request_error');
      }
      const statuses: number[] = [];
      for (let i = 0; i < 200 && statuses.at(-1) !== 429; i++) statuses.push((await scanner.post(t, []).expect((res) => expect([200, 429]).toContain(res.status))).status);
      // 120 a minute, less the five signed requests above (more when the test is slow: the budget drains 2 a second).
      expect(statuses.at(-1)).toBe(429);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(REPORTS_RATE_LIMIT.requests - 5);
      const refused = await scanner.post(t, []).expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await t.destroy();
    }
  });

  it('counts unsigned and badly signed requests against the address, as wrong credentials are counted elsewhere', async () => {
    const t = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: scanner.keysUrl, AUTH_FAILURE_LIMIT: 3 } });
    try {
      for (let i = 0; i < 3; i++) await request(t.http).post(PATH).set('Content-Type', 'application/json').send('[]').expect(401);
      const refused = await scanner.post(t, []).expect(429);
      expect(refused.body.error.type).toBe('rate_limit_error');
    } finally {
      await t.destroy();
    }
  });

  it('answers 503 while the public keys cannot be read, reading them and logging why once, however many requests come', async () => {
    const dir = makeTempDir('scan-keys-missing');
    const warnings: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      if (typeof message === 'string' && message.includes("public keys could not be read")) warnings.push(message);
    });
    const t = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: join(dir.path, 'missing.json') } });
    try {
      // Unsigned, with made-up identifiers: none counts against the address, so only the wait bounds the reads and lines.
      for (let i = 0; i < 25; i++) {
        await request(t.http).post(PATH).set('Content-Type', 'application/json').set('Github-Public-Key-Identifier', `made-up-${i}`).set('Github-Public-Key-Signature', 'AAAA').send('[]').expect(503);
      }
      expect(warnings).toHaveLength(1);
    } finally {
      spy.mockRestore();
      await t.destroy();
      dir.remove();
    }
  });

  it('counts every request by outcome in parsesphere_secret_scanning_reports_total, each series there from the start', async () => {
    const reports = (t: TestApp) => async () => parseExposition((await request(t.http).get('/metrics').expect(200)).text);
    const series = (outcome: string) => `parsesphere_secret_scanning_reports_total{outcome="${outcome}"}`;
    const t = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: scanner.keysUrl, AUTH_FAILURE_LIMIT: 1000 } });
    try {
      const before = await reports(t)();
      for (const outcome of REPORTS_OUTCOMES) expect({ outcome, value: before.get(series(outcome)) }).toEqual({ outcome, value: 0 });
      const body = '[]';
      const signed = () => request(t.http).post(PATH).set('Content-Type', 'application/json').set('Github-Public-Key-Identifier', KEY_ID);
      await scanner.post(t, [{ token: generateApiKey(), type: 'parsesphere_api_key' }]).expect(200);
      await request(t.http).post(PATH).set('Content-Type', 'application/json').send(body).expect(401);
      await signed().set('Github-Public-Key-Identifier', 'not-in-the-document').set('Github-Public-Key-Signature', scanner.signature(body)).send(body).expect(401);
      await signed().set('Github-Public-Key-Signature', scanner.signature('[ ]')).send(body).expect(401);
      await signed().set('Github-Public-Key-Signature', scanner.signature('{}')).send('{}').expect(400);
      const after = await reports(t)();
      const moved = Object.fromEntries(REPORTS_OUTCOMES.map((outcome) => [outcome, sample(after, series(outcome)) - sample(before, series(outcome))]));
      expect(moved).toEqual({ accepted: 1, unsigned: 1, unknown_key: 1, bad_signature: 1, keys_unavailable: 0, rate_limited: 0, invalid: 1, failed: 0 });
    } finally {
      await t.destroy();
    }
    const dir = makeTempDir('scan-keys-unreadable');
    const down = await startTestApp({ env: { SECRET_SCANNING_PUBLIC_KEYS: join(dir.path, 'missing.json') } });
    try {
      await scanner.post(down, [{ token: generateApiKey(), type: 'parsesphere_api_key' }]).expect(503);
      await scanner.post(down, [{ token: generateApiKey(), type: 'parsesphere_api_key' }]).expect(503);
      expect(sample(await reports(down)(), series('keys_unavailable'))).toBe(2);
    } finally {
      await down.destroy();
      dir.remove();
    }
  });
});
