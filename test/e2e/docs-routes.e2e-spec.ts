import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { FakeScanner } from '../support/fake-secret-scanner.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The documents a reader copies requests from: the README, docs/*.md and the alert rules' runbook text. */
const DOCUMENTS = [
  'README.md',
  ...readdirSync('docs').filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`),
  ...readdirSync('docs/grafana').filter((name) => name.endsWith('.yml')).map((name) => `docs/grafana/${name}`),
];

interface Named {
  where: string;
  method: string;
  path: string;
}

/**
 * Every request of this service a document names: `METHOD /path` in inline code, and a curl of
 * http://localhost:3000/path or of a bare /path. Placeholders (<id>, {id}, {actor.key_id}) become a fresh UUID;
 * the query string is left out.
 */
function namedRequests(file: string, text: string): Named[] {
  const named: Named[] = [];
  text.split('\n').forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    for (const [, method, path] of line.matchAll(/`(GET|POST|PATCH|DELETE|PUT|HEAD) (\/[^`\s?]*)/g)) named.push({ where, method: method!, path: path! });
    for (const [, method, path] of line.matchAll(/curl (?:-X (GET|POST|PATCH|DELETE) )?"?(?:http:\/\/localhost:3000)?(\/[^\s"'`?]*)/g)) named.push({ where, method: method ?? 'GET', path: path! });
  });
  return named.map((one) => ({ ...one, path: one.path.replace(/<[^>]*>|\{[^}]*\}/g, randomUUID()) }));
}

// operations.md's runbook of ParseSphereInstanceDown (and the alert's own text) said `curl /health/live`: a 404 here,
// the liveness route is /health; docs/eventstoredb.md's checks sent `POST /v1/verify`, a 404 too (/v1/keys/verify).
describe('Every request the docs name is one the service serves', () => {
  let t: TestApp;
  let scanner: FakeScanner;

  beforeAll(async () => {
    scanner = await FakeScanner.start();
    t = await startTestApp({ env: { VERIFY_TOKEN: 'verify-token-for-the-docs-routes-suite', METRICS_TOKEN: 'metrics-token-0123456789', SECRET_SCANNING_PUBLIC_KEYS: scanner.keysUrl } });
  });
  afterAll(async () => {
    await t?.destroy();
    await scanner?.close();
  });

  it('finds the requests of a line, its placeholders made ids', () => {
    const found = namedRequests('x.md', 'Look at it (`curl /health/live`); `DELETE /v1/api-keys/{id}` and curl -X POST "http://localhost:3000/v1/api-keys/<id>/roll?x=1"');
    expect(found.map(({ method, path }) => `${method} ${path.replace(/[0-9a-f-]{36}/, 'ID')}`)).toEqual(['DELETE /v1/api-keys/ID', 'GET /health/live', 'POST /v1/api-keys/ID/roll']);
  });

  it('answers each with one of its routes: no "Cannot …" 404, no 405', async () => {
    const key = (await t.bootstrapKey('docs')).key;
    const named = DOCUMENTS.flatMap((file) => namedRequests(file, readFileSync(file, 'utf8')));
    expect(named.length).toBeGreaterThan(50);
    const unserved: string[] = [];
    for (const { where, method, path } of named) {
      // api.md's example of a 405: a method the path does not serve.
      if (method === 'PUT') continue;
      const res = await request(t.http)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete' | 'head'](path).set(bearer(key));
      const message = (res.body as { error?: { message?: string } }).error?.message ?? '';
      if (res.status === 405 || /^Cannot /.test(message)) unserved.push(`${where} ${method} ${path}: ${res.status} ${message}`);
    }
    expect(unserved).toEqual([]);
  });
});
