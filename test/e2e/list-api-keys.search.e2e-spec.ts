import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { LIST_QUERY_MESSAGES } from '../../src/keys/queries/list-api-keys/parse-list-api-keys-request.js';
import { bearer } from '../support/auth.js';
import { backends, startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));

describe.each(backends())('GET /v1/api-keys?name_prefix= and ?prefix= (%s read model)', (backend) => {
  let t: TestApp;
  let admin: string;
  const created: Record<string, { id: string; key: string; prefix: string }> = {};
  const names = ['Production EU', 'staging', 'PRODUCTION US', 'prod backup', 'Prod😀', 'Proe'];

  beforeAll(async () => {
    t = await startTestApp({ backend });
    admin = (await t.bootstrapKey('acme', 'admin')).key;
    for (const name of names) created[name] = (await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name }).expect(201)).body;
    await request(t.http).delete(`/v1/api-keys/${created['prod backup'].id}`).set(bearer(admin)).expect(200);
    const other = (await t.bootstrapKey('globex', 'other')).key;
    created.other = (await request(t.http).post('/v1/api-keys').set(bearer(other)).send({ name: 'Production globex' }).expect(201)).body;
  });
  afterAll(() => t.destroy());

  const listed = async (query: string) => {
    const res = await request(t.http).get(`/v1/api-keys?${query}`).set(bearer(admin)).expect(200);
    return { names: res.body.data.map((k: { name: string }) => k.name) as string[], hasMore: res.body.has_more as boolean, body: res.body };
  };

  it('finds keys by the start of their name in any case, newest first, within the account only', async () => {
    expect((await listed('name_prefix=PROD')).names).toEqual(['Prod😀', 'prod backup', 'PRODUCTION US', 'Production EU']);
    expect((await listed(`name_prefix=${encodeURIComponent('production ')}`)).names).toEqual(['PRODUCTION US', 'Production EU']);
    expect((await listed('name_prefix=globex')).names).toEqual([]);
  });

  it('combines with status and pages exactly with limit and starting_after', async () => {
    expect((await listed('name_prefix=prod&status=revoked')).names).toEqual(['prod backup']);
    expect((await listed('name_prefix=prod&status=active')).names).toEqual(['Prod😀', 'PRODUCTION US', 'Production EU']);
    const seen: string[] = [];
    let query = 'name_prefix=prod&limit=1';
    for (let page = 0; page < 10; page++) {
      const { names: got, hasMore, body } = await listed(query);
      seen.push(...got);
      if (!hasMore) break;
      query = `name_prefix=prod&limit=1&starting_after=${body.data[0].id}`;
    }
    expect(seen).toEqual(['Prod😀', 'prod backup', 'PRODUCTION US', 'Production EU']);
  });

  it('finds the key of a display prefix, as listed or as a log line shows it, and never another account’s', async () => {
    const { prefix, id } = created.staging;
    for (const sent of [prefix, `${prefix}…[redacted]`, created.staging.key.slice(0, 20)]) {
      const { body } = await listed(`prefix=${encodeURIComponent(sent)}`);
      expect(body.data.map((k: { id: string }) => k.id)).toEqual([id]);
    }
    expect((await listed(`prefix=${created.staging.prefix}&name_prefix=prod`)).names).toEqual([]);
    expect((await listed(`prefix=${created.other.prefix}`)).names).toEqual([]);
  });

  it('refuses a whole key as prefix with 400, never looks it up, and records it nowhere', async () => {
    const pasted = [created.staging.key, generateApiKey()];
    for (const key of pasted) {
      const res = await request(t.http).get(`/v1/api-keys?prefix=${key}`).set(bearer(admin)).expect(400);
      expect(res.body).toEqual({ error: { type: 'invalid_request_error', message: LIST_QUERY_MESSAGES.wholeKey } });
    }
    await flushUsage(t);
    const leaks = filesUnder(t.dataDir).filter((file) => pasted.some((key) => readFileSync(file).includes(key.slice(12))));
    expect(leaks).toEqual([]);
  });

  it.each([
    ['name_prefix=', LIST_QUERY_MESSAGES.namePrefix],
    [`name_prefix=${'a'.repeat(101)}`, LIST_QUERY_MESSAGES.namePrefix],
    ['name_prefix=a%0Ab', LIST_QUERY_MESSAGES.namePrefix],
    ['prefix=sk_short', LIST_QUERY_MESSAGES.prefix],
    ['prefix=sk_short&name_prefix=%00', `${LIST_QUERY_MESSAGES.namePrefix}; ${LIST_QUERY_MESSAGES.prefix}`],
  ])('refuses ?%s with 400 and the standard error body', async (query, message) => {
    const res = await request(t.http).get(`/v1/api-keys?${query}`).set(bearer(admin)).expect(400);
    expect(res.body).toEqual({ error: { type: 'invalid_request_error', message } });
  });
});
