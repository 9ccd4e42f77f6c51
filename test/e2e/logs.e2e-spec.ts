import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Server } from 'node:net';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { parseExposition, sample } from '../support/prometheus-text.js';
import { countEvents, createKeyWithCli, freePort, type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const VERIFY_TOKEN = 'logs-test-service-credential-0123456789';
const COOKIE = 'session=logs-test-cookie-value-4711';
const METRICS_TOKEN = 'logs-test-metrics-token-0123456789';

type LogLine = Record<string, unknown>;

/** Every line the process wrote, each parsed as JSON: the test fails on the first line that is not. */
function parseLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
}

async function call(url: string, path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = await fetch(`${url}${path}`, init);
  const text = await res.text();
  return { status: res.status, requestId: res.headers.get('x-request-id'), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function stop(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGTERM');
  await service.exited;
}

/**
 * The logs of a real service process: JSON lines on stdout, one access line per request with its fields,
 * lifecycle lines for keys, a verify summary instead of a line per verify, and never a key, the service
 * credential, or a credential header, at the default level or at debug (where request headers are logged).
 */
describe('Service logs', () => {
  let service: ServiceProcess | undefined;
  afterEach(() => service?.child.kill('SIGKILL'));

  it.each(['log', 'debug'])('LOG_LEVEL=%s: JSON lines, access and lifecycle fields, no secret', async (level) => {
    const dir = makeTempDir('logs');
    try {
      const admin = createKeyWithCli(dir.path);
      service = await startServiceProcess(
        // The test's loopback peer is a trusted proxy: what it forwards is the client address the failed-auth guard logs.
        { DATA_DIR: dir.path, LOG_LEVEL: level, VERIFY_TOKEN, VERIFY_LOG_SUMMARY_SECONDS: '1', TRUST_PROXY: 'loopback', AUTH_FAILURE_LIMIT: '3', METRICS_TOKEN },
        { captureStdout: true },
      );
      const { url } = service;
      const auth = { Authorization: `Bearer ${admin.key}`, Cookie: COOKIE };

      // The configured secrets as a proxy or a misconfigured client might forward them: never logged (at debug, headers are).
      const created = await call(url, '/v1/api-keys', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json', 'Proxy-Authorization': `Bearer ${METRICS_TOKEN}`, 'X-Gateway-Credential': VERIFY_TOKEN },
        body: JSON.stringify({ name: 'logged key' }),
      });
      expect(created.status).toBe(201);
      const newKey = created.body.key as string;
      const newId = created.body.id as string;
      const unauthenticated = await call(url, '/v1/api-keys', { headers: { Authorization: `Bearer ${newKey}x` } });
      expect(unauthenticated.status).toBe(401);
      const listed = await call(url, '/v1/api-keys?limit=1', { headers: auth });
      expect(listed.status).toBe(200);
      // A key where it does not belong (the query, a malformed body) must not reach the log either.
      expect((await call(url, `/v1/api-keys?key=${newKey}`, { headers: auth })).status).toBe(400);
      const malformed = await call(url, '/v1/api-keys', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: `{"name": "${newKey}"`,
      });
      expect(malformed.status).toBe(400);
      for (const key of [newKey, 'sk_not_a_real_key']) {
        const verified = await call(url, '/v1/keys/verify', {
          method: 'POST',
          headers: { Authorization: `Bearer ${VERIFY_TOKEN}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ key }),
        });
        expect(verified.status).toBe(200);
      }
      // A key as the forwarded client address, and as a header's name (logged at debug): a burst of failures from
      // it, on a route served ahead of express and on one of express's.
      for (const [forwardedFor, path] of [[newKey, '/v1/api-keys'], [admin.key, `/v1/api-keys/${newId}`]]) {
        for (let failure = 0; failure < 3; failure++) {
          const headers = { Authorization: `Bearer ${admin.key}x`, 'X-Forwarded-For': forwardedFor, [forwardedFor]: 'header name' };
          expect((await call(url, path, { headers })).status).toBe(401);
        }
      }
      // The names a PATCH changed are logged as the API names them (until 2026-12-06: allowedIps, expiresAt, rateLimit).
      const updated = await call(url, `/v1/api-keys/${newId}`, {
        method: 'PATCH',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'renamed', allowed_ips: ['192.0.2.0/24'], expires_at: '2999-01-01T00:00:00Z', rate_limit: { requests: 5, per_seconds: 60 } }),
      });
      expect(updated.status).toBe(200);
      // A repeated Idempotency-Key gives the key it made a new secret, and says so.
      const once = () => call(url, '/v1/api-keys', { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json', 'Idempotency-Key': 'logs-test-0001' }, body: '{}' });
      const first = await once();
      const repeated = await once();
      expect([first.status, repeated.status, repeated.body.id]).toEqual([201, 201, first.body.id]);
      // Swagger UI's files are logged under their own route, not as unmatched.
      const css = await fetch(`${url}/docs/swagger-ui.css`);
      await css.arrayBuffer();
      expect(css.status).toBe(200);
      const cssRequestId = css.headers.get('x-request-id');
      const revoked = await call(url, `/v1/api-keys/${newId}`, { method: 'DELETE', headers: auth });
      expect(revoked.status).toBe(200);

      await eventually(() => expect(parseLines(service!.stdout()).some((line) => line.msg === 'verify summary')).toBe(true), 5000, 100);
      await stop(service);
      const stdout = service.stdout();
      const lines = parseLines(stdout);

      // Never a secret, whatever the level: keys (in headers, bodies, the query), the service credential, the cookie.
      for (const secret of [admin.key, newKey, VERIFY_TOKEN, METRICS_TOKEN, COOKIE, 'logs-test-cookie-value-4711']) expect(stdout).not.toContain(secret);
      expect(stdout).not.toMatch(/Bearer/i);
      // Header names come lowercased; the key's checksum would give its letters' case back.
      for (const key of [admin.key, newKey]) expect(stdout.toLowerCase()).not.toContain(key.slice(12).toLowerCase());
      expect(lines.filter((line) => line.msg === 'failed-auth burst').map((line) => [line.level, line.address])).toEqual(
        [newKey, admin.key].map((key) => ['warn', `${key.slice(0, 12)}…[redacted]`]),
      );
      if (level === 'debug') {
        // At debug the request headers are logged: the credential ones are there, redacted.
        const withHeaders = lines.find((line) => line.type === 'access' && line.requestId === created.requestId);
        expect((withHeaders?.req as { headers: Record<string, unknown> }).headers).toMatchObject({
          authorization: '[Redacted]',
          'proxy-authorization': '[Redacted]',
          cookie: '[Redacted]',
          'x-gateway-credential': '[redacted]',
        });
      } else {
        expect(lines.filter((line) => line.level === 'debug')).toEqual([]);
      }

      expect(lines.find((line) => line.msg === 'listening')).toMatchObject({ level: 'info', url });
      const access = lines.filter((line) => line.type === 'access');
      expect(access.find((line) => line.requestId === created.requestId)).toMatchObject({
        level: 'info',
        method: 'POST',
        route: '/v1/api-keys',
        status: 201,
        durationMs: expect.any(Number),
        keyId: admin.id,
        accountId: 'acme',
      });
      expect(access.find((line) => line.requestId === revoked.requestId)).toMatchObject({ method: 'DELETE', route: '/v1/api-keys/:api_key_id', status: 200 });
      // The listing is served ahead of express: its line is the same, with the key it authenticated.
      expect(access.find((line) => line.requestId === listed.requestId)).toMatchObject({
        level: 'info',
        method: 'GET',
        route: '/v1/api-keys',
        status: 200,
        durationMs: expect.any(Number),
        keyId: admin.id,
        accountId: 'acme',
      });
      const refused = access.find((line) => line.requestId === unauthenticated.requestId);
      expect(refused).toMatchObject({ method: 'GET', route: '/v1/api-keys', status: 401 });
      expect(refused).not.toHaveProperty('keyId');
      // The body is read after routing and authentication: a malformed one is logged with its route.
      expect(access.find((line) => line.requestId === malformed.requestId)).toMatchObject({ route: '/v1/api-keys', status: 400 });
      // The verify route has no access line, only its summary.
      expect(access.filter((line) => String(line.route).includes('verify'))).toEqual([]);
      expect(lines.filter((line) => line.msg === 'verify summary').reduce((sum, line) => sum + Number(line.total), 0)).toBe(2);
      expect(lines.find((line) => line.msg === 'verify summary')).toMatchObject({ outcomes: { VALID: 1, MALFORMED: 1 } });

      const prefix = created.body.prefix as string;
      expect(lines.find((line) => line.msg === 'key created' && line.keyId === newId)).toMatchObject({ accountId: 'acme', prefix, requestId: created.requestId });
      expect(lines.find((line) => line.msg === 'key revoked' && line.keyId === newId)).toMatchObject({ accountId: 'acme', prefix, requestId: revoked.requestId });
      const updateLine = lines.find((line) => line.msg === 'key updated' && line.keyId === newId);
      expect(updateLine).toMatchObject({ level: 'info', accountId: 'acme', requestId: updated.requestId, actingKeyId: admin.id });
      expect([...(updateLine!.fields as string[])].sort()).toEqual(['allowed_ips', 'expires_at', 'name', 'rate_limit']);
      expect(lines.filter((line) => line.msg === 'key secret reissued')).toEqual([
        expect.objectContaining({
          level: 'info',
          context: 'Keys',
          keyId: first.body.id,
          accountId: 'acme',
          prefix: repeated.body.prefix,
          reason: 'idempotent_retry',
          requestId: repeated.requestId,
          actingKeyId: admin.id,
        }),
      ]);
      expect(access.find((line) => line.requestId === cssRequestId)).toMatchObject({ method: 'GET', route: '/docs', status: 200 });
    } finally {
      if (service) await stop(service).catch(() => undefined);
      dir.remove();
    }
  }, 60_000);

  it('a client that leaves mid-body: logged and measured as 499 "client closed", never as the 2xx the route meant, and no error line', async () => {
    const dir = makeTempDir('logs-aborted');
    try {
      const admin = createKeyWithCli(dir.path);
      service = await startServiceProcess({ DATA_DIR: dir.path, LOG_LEVEL: 'log' }, { captureStdout: true });
      const { port } = new URL(service.url);
      // A creation (express) and the listing (served ahead of it), each declaring 100 bytes, sending 7, then leaving.
      for (const method of ['POST', 'GET']) {
        const socket = connect(Number(port), '127.0.0.1');
        await once(socket, 'connect');
        socket.write(
          `${method} /v1/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name"`,
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        socket.destroy();
      }
      const aborted = () => parseLines(service!.stdout()).filter((line) => line.type === 'access' && line.aborted === true);
      await eventually(() => expect(aborted()).toHaveLength(2), 5000, 50);
      const samples = parseExposition(await (await fetch(`${service.url}/metrics`)).text());
      await stop(service);

      expect(aborted()).toEqual(
        ['POST', 'GET'].map((method) =>
          expect.objectContaining({ level: 'info', method, route: '/v1/api-keys', status: 499, keyId: admin.id, accountId: 'acme', aborted: true }),
        ),
      );
      const duration = (method: string, status: string) =>
        sample(samples, `parsesphere_http_request_duration_seconds_count{method="${method}",route="/v1/api-keys",status="${status}"}`);
      expect([duration('POST', '499'), duration('POST', '201'), duration('GET', '499'), duration('GET', '200')]).toEqual([1, 0, 1, 0]);
      // An ordinary disconnect is no failure of ours: no error line, no stack.
      const lines = parseLines(service.stdout());
      expect(lines.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
      expect(service.stdout()).not.toContain('request aborted');
      expect(countEvents(dir.path, 'KeyCreated')).toBe(1);
    } finally {
      if (service) await stop(service).catch(() => undefined);
      dir.remove();
    }
  }, 30_000);

  describe('the start line', () => {
    let taken: Server | undefined;
    afterEach(() => taken?.close());

    it('is written only once the port is bound: a taken port gives one fatal line and exit code 1', async () => {
      const dir = makeTempDir('logs-port');
      try {
        const port = await freePort();
        taken = createServer();
        await new Promise<void>((resolve) => taken!.listen(port, '127.0.0.1', resolve));
        const child = spawn(process.execPath, ['dist/main.js'], {
          env: childEnv({ DATA_DIR: dir.path, PORT: String(port), HOST: '127.0.0.1' }),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        expect(code).toBe(1);
        // The fatal line and nothing else: no error line of Nest's own before it.
        expect(stderr).toBe('');
        expect(parseLines(stdout)).toEqual([expect.objectContaining({ level: 'fatal', msg: 'cannot listen', code: 'EADDRINUSE', port })]);
      } finally {
        dir.remove();
      }
    }, 30_000);
  });
});
