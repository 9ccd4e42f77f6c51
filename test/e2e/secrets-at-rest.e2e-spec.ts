import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { bearer } from '../support/auth.js';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { type FerretDbInstance, ferretDbBinary, startFerretDb } from '../support/ferretdb.js';
import { createKeyWithCli, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startTestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

interface Place {
  where: string;
  content: Buffer | string;
}

/**
 * Where any of the keys can be read: the whole key, or the part after its display prefix (which is stored and
 * shown on purpose), in UTF-8 or UTF-16. One line per place and key, so a failure says where the leak is.
 */
function leaksOf(keys: readonly string[], places: readonly Place[]): string[] {
  const leaks: string[] = [];
  for (const { where, content } of places) {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    keys.forEach((key, i) => {
      const secret = key.slice(12);
      if (bytes.includes(secret) || bytes.includes(Buffer.from(secret, 'utf16le'))) leaks.push(`${where}: key #${i}`);
    });
  }
  return leaks;
}

const filePlaces = (dir: string): Place[] => filesUnder(dir).map((file) => ({ where: file, content: readFileSync(file) }));

describe('Secrets at rest', () => {
  it('writes no plaintext key anywhere under DATA_DIR, nor into logs', async () => {
    const logged: string[] = [];
    const t = await startTestApp();
    const capture = (chunk: unknown) => void logged.push(String(chunk));
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: unknown, ...rest: never[]) => (capture(chunk), stdout(chunk as string, ...rest))) as never;
    process.stderr.write = ((chunk: unknown, ...rest: never[]) => (capture(chunk), stderr(chunk as string, ...rest))) as never;
    const keys: string[] = [];
    try {
      const admin = await t.bootstrapKey('acme');
      keys.push(admin.key);
      for (let i = 0; i < 10; i++) {
        const res = await request(t.http).post('/v1/api-keys').set(bearer(admin.key)).send({ name: `k${i}` }).expect(201);
        keys.push(res.body.key);
        await request(t.http).get('/v1/api-keys').set(bearer(res.body.key)).expect(200);
      }
      await request(t.http).delete(`/v1/api-keys/${admin.keyId}`).set(bearer(keys[1])).expect(200);
      await request(t.http).get('/v1/api-keys').set(bearer(admin.key)).expect(401);
      await t.close();

      const files = filesUnder(t.dataDir);
      expect(files.some((f) => f.endsWith('events.sqlite'))).toBe(true);
      expect(files.some((f) => f.endsWith('read-model.sqlite'))).toBe(true);
      const places = filePlaces(t.dataDir);
      expect(places.some(({ content }) => content.includes(keys[0].slice(0, 12)))).toBe(true);
      for (const key of keys) for (const { content } of places) expect(content.includes(key)).toBe(false);
      expect(leaksOf(keys, [...places, { where: 'logs', content: logged.join('') }])).toEqual([]);
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
      await t.destroy();
    }
  });
});

const VERIFY_TOKEN = 'verify-token-for-the-leak-test-0123456789';
const WEBHOOK_SECRET = 'webhook-secret-0123456789';
const marker = (key: string) => `${key.slice(0, 12)}…[redacted]`;

/** A client of the service process that keeps every answer (status, headers, body) it chooses to keep. */
class Recorder {
  readonly answers: string[] = [];

  constructor(private readonly url: string) {}

  async call(
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: unknown; keep?: boolean } = {},
  ): Promise<{ status: number; body: any }> {
    const { headers = {}, body, keep = true } = options;
    const raw = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: raw === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
      body: raw,
    });
    const text = await res.text();
    if (keep) this.answers.push(`${res.status}\n${[...res.headers].map(([name, value]) => `${name}: ${value}`).join('\n')}\n\n${text}`);
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text above
    }
    return { status: res.status, body: parsed };
  }
}

/** Asynchronous, so the test's idle connections to the service notice when it closes them meanwhile. */
function runCli(args: string[], dataDir: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dataDir }) }, (error, stdout, stderr) =>
      resolve(`${error?.code ?? 0}\n${stdout}\n${stderr}`),
    );
  });
}

type ReadModelBackend = 'sqlite' | 'mongodb';

/** The embedded read model always; MongoDB at MONGODB_URL when set, else on a FerretDB of the test's own when one is installed. */
function leakBackends(): ReadModelBackend[] {
  if (process.env.MONGODB_URL || ferretDbBinary()) return ['sqlite', 'mongodb'];
  process.stdout.write('Keys put where they do not belong, MongoDB read model: skipped (no MONGODB_URL, no FerretDB binary)\n');
  return ['sqlite'];
}

describe.each(leakBackends())('Keys put where they do not belong (%s read model, a service process)', (backend) => {
  it('are redacted before anything records them: no store file, log line, CLI output, webhook or answer holds one', async () => {
    const data = makeTempDir('leaks');
    const receiver = await WebhookReceiver.start(WEBHOOK_SECRET);
    const output: string[] = [];
    const cliOutput: string[] = [];
    let ferret: FerretDbInstance | null = null;
    const mongoDb = `psk_leaks_${randomUUID().replaceAll('-', '')}`;
    let mongoUrl = process.env.MONGODB_URL ?? null;
    try {
      if (backend === 'mongodb' && !mongoUrl) {
        ferret = await startFerretDb();
        mongoUrl = ferret.url;
      }
      const admin = createKeyWithCli(data.path, ['--name', 'admin']);
      const service = await startServiceProcess(
        {
          DATA_DIR: data.path,
          LOG_LEVEL: 'verbose',
          VERIFY_TOKEN,
          // X-Forwarded-For is a client-supplied field too: believed from the test's loopback proxy.
          TRUST_PROXY: 'loopback',
          AUTH_FAILURE_LIMIT: '100000',
          ANOMALY_THRESHOLDS: JSON.stringify({ failedAuthBurstCount: 3 }),
          ALERT_WEBHOOK_URL: receiver.url,
          ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
          ...(backend === 'mongodb' ? { MONGODB_URL: mongoUrl!, MONGODB_DB: mongoDb } : {}),
        },
        { output },
      );
      const client = new Recorder(service.url);
      const asAdmin = bearer(admin.key);

      // The keys to leak: real keys of this account, one of them revoked (still a secret), and the admin's own.
      const created = async (name: string) =>
        (await client.call('POST', '/v1/api-keys', { headers: asAdmin, body: { name }, keep: false })).body as { id: string; key: string };
      const victim = await created('victim');
      const revoked = await created('revoked');
      expect((await client.call('DELETE', `/v1/api-keys/${revoked.id}`, { headers: asAdmin })).status).toBe(200);
      const keys = [admin.key, victim.key, revoked.key];

      for (const key of keys) {
        // Headers: User-Agent, X-Request-Id (the key alone matches the accepted id pattern), X-Forwarded-For (a
        // loopback peer is a trusted proxy, so its value becomes the client address, free text).
        const leaky = { 'User-Agent': `sdk/1.2 (${key})`, 'X-Request-Id': key, 'X-Forwarded-For': key };
        const traced = { ...leaky, 'X-Request-Id': `trace.${key}` };
        const authenticated = [
          ['GET', '/v1/api-keys', 200],
          ['GET', `/v1/api-keys?${key}=1`, 400],
          ['GET', `/v1/api-keys?starting_after=${key}&limit=${key}`, 400],
          ['GET', `/v1/api-keys/${key}`, 400],
          ['GET', `/v1/api-keys/%73k%5F${key.slice(3)}`, 400],
          ['GET', `/v1/api-keys/${key}/events?cursor=${key}`, 400],
          ['GET', `/v1/api-keys/${admin.id}?as_of=${key}`, 400],
          ['GET', `/v1/api-keys/${admin.id}/events?cursor=${key}`, 400],
          ['DELETE', `/v1/api-keys/${key}`, 400],
          ['GET', `/v1/alerts?key_id=${key}&rule=${key}&starting_after=${key}`, 400],
          ['GET', `/v1/${key}`, 404],
          ['GET', `/health/${key}?${key}`, 404],
          ['GET', `/dashboard/assets/${key}/${key}.js`, null],
        ] as const;
        for (const [method, path, status] of authenticated) {
          for (const headers of [leaky, traced]) {
            const answer = await client.call(method, path, { headers: { ...asAdmin, ...headers } });
            if (status !== null) expect([path, answer.status]).toEqual([path, status]);
          }
        }
        // Body fields: a name (accepted, recorded), an unknown property, a nested one, broken JSON, a media type.
        const named = await client.call('POST', '/v1/api-keys', { headers: { ...asAdmin, ...leaky }, body: { name: `leak ${key}` } });
        expect([named.status, named.body.name]).toEqual([201, `leak ${marker(key)}`]);
        // The same key spelled so that it still reads as one: percent-escaped, with an invisible character, fullwidth.
        for (const disguised of [`%73k%5F${key.slice(3)}`, `s\u200bk_${key.slice(3)}`, `\uff53\uff4b\uff3f${key.slice(3)}`]) {
          const headers = { ...asAdmin, ...leaky, 'User-Agent': `sdk/1.2 (%73k_${key.slice(3)})` };
          const answer = await client.call('POST', '/v1/api-keys', { headers, body: { name: `leak ${disguised}` } });
          expect([answer.status, answer.body.name]).toEqual([201, `leak ${marker(key)}`]);
        }
        const refused: [Record<string, string>, unknown, number][] = [
          [{}, { [key]: 1 }, 400],
          [{}, { name: 'x', rate_limit: { requests: 1, per_seconds: 1, [key]: 1 } }, 400],
          [{}, `{"name": "${key}`, 400],
          [{ 'Content-Type': `text/${key}` }, key, 415],
        ];
        for (const [headers, body, status] of refused) {
          const answer = await client.call('POST', '/v1/api-keys', { headers: { ...asAdmin, ...leaky, ...headers }, body });
          expect(answer.status).toBe(status);
        }
        // Unauthenticated: no key, a malformed one holding the key, another scheme, the revoked key. Failures are recorded too.
        const refusedCredentials: Record<string, string>[] = [
          {},
          { Authorization: `Bearer ${key}x` },
          { Authorization: `Basic ${key}` },
          { Authorization: `Bearer ${revoked.key}` },
        ];
        for (const authorization of refusedCredentials) {
          expect((await client.call('GET', `/v1/api-keys/${key}?k=${key}`, { headers: { ...leaky, ...authorization } })).status).toBe(401);
        }
        // The verify route: every context field, the X-Request-Id, a presented key that merely contains one.
        const context = { ip: '203.0.113.7', method: 'GET', path: `/v1/parses/${key}?api_key=${key}&page=2`, user_agent: `ua ${key}` };
        const gateway = { Authorization: `Bearer ${VERIFY_TOKEN}`, 'X-Request-Id': key };
        const verifications: [unknown, number][] = [
          [{ key: admin.key, context }, 200],
          [{ key: `${key}x`, context }, 200],
          [{ key: `x${key}`, context }, 200],
          [{ key: generateApiKey(), context }, 200],
          [{ key: admin.key, context: { ...context, [key]: 'x' } }, 400],
          [{ key: admin.key, [key]: 1 }, 400],
          [{ key: admin.key, context: { ...context, ip: `fe80::1%${key}` } }, 400],
        ];
        for (const [body, status] of verifications) {
          expect((await client.call('POST', '/v1/keys/verify', { headers: gateway, body })).status).toBe(status);
        }
        expect((await client.call('POST', '/v1/keys/verify', { headers: { Authorization: `Bearer ${key}` }, body: { key } })).status).toBe(401);
      }
      // The operator CLI (a process per run, so one key only): a name (recorded), an account id, an unknown option, an unknown command.
      cliOutput.push(await runCli(['create-key', '--account', 'acme', '--name', `cli ${victim.key}`], data.path));
      cliOutput.push(await runCli(['create-key', '--account', victim.key], data.path));
      cliOutput.push(await runCli(['create-key', '--account', 'acme', `--${victim.key}`], data.path));
      cliOutput.push(await runCli([victim.key], data.path));
      expect(cliOutput.map((out) => out.split('\n')[0])).toEqual(['0', '2', '2', '2']);
      expect(cliOutput[1]).toContain('an account id must not be an API key');
      expect(JSON.parse(cliOutput[0].slice(2, cliOutput[0].lastIndexOf('}') + 1)).name).toBe(`cli ${marker(victim.key)}`);

      // What was sent is recorded, redacted: the admin's last use (made with the victim's key in its User-Agent,
      // read with the victim's key so the read is not the last use), its history, and the webhook's alerts.
      await client.call('GET', '/v1/api-keys', { headers: { ...asAdmin, 'User-Agent': `last ${victim.key}` } });
      const asVictim = bearer(victim.key);
      await eventually(async () => {
        const detail = await client.call('GET', `/v1/api-keys/${admin.id}`, { headers: asVictim });
        expect(detail.body.usage.last_user_agent).toBe(`last ${marker(victim.key)}`);
      }, 10_000);
      const uses: { data: Record<string, string | null> }[] = [];
      for (let cursor = ''; ; ) {
        const page = await client.call('GET', `/v1/api-keys/${admin.id}/events?limit=100${cursor}`, { headers: asVictim });
        uses.push(...(page.body.data as { type: string; data: Record<string, string | null> }[]).filter((e) => e.type === 'KeyUsed'));
        if (!page.body.next_cursor) break;
        cursor = `&cursor=${page.body.next_cursor}`;
      }
      expect(uses.map((u) => u.data.path)).toContain(`/v1/api-keys/${marker(victim.key)}`);
      expect(uses.map((u) => u.data.ip)).toContain(marker(victim.key));
      expect(uses.map((u) => u.data.path)).toContain(`/v1/parses/${marker(victim.key)}?api_key=[redacted]&page=[redacted]`);
      expect(uses.every((u) => !String(u.data.requestId).startsWith('sk_'))).toBe(true);
      const listed = await client.call('GET', '/v1/api-keys?limit=100', { headers: asVictim });
      expect((listed.body.data as { name: string }[]).map((k) => k.name)).toEqual(
        expect.arrayContaining([`leak ${marker(victim.key)}`, `cli ${marker(victim.key)}`]),
      );
      await eventually(() => expect(receiver.accepted().some((r) => r.rawBody.includes(marker(victim.key)))).toBe(true), 10_000);

      service.child.kill('SIGTERM');
      // Nest re-raises the signal after its shutdown hooks ran: a clean stop ends by SIGTERM.
      expect(await service.exited).toEqual({ code: null, signal: 'SIGTERM' });
      if (ferret) await ferret.stop();

      const places: Place[] = [
        ...filePlaces(data.path),
        ...(ferret ? filePlaces(ferret.dataDir) : []),
        { where: 'service stdout/stderr', content: output.join('') },
        { where: 'CLI output', content: cliOutput.join('\n') },
        { where: 'API answers', content: client.answers.join('\n') },
        { where: 'webhook bodies', content: receiver.requests.map((r) => `${JSON.stringify(r.headers)}\n${r.rawBody}`).join('\n') },
      ];
      if (backend === 'mongodb') {
        if (ferret) await ferret.restart();
        places.push({ where: `MongoDB database ${mongoDb}`, content: await dumpDatabase(mongoUrl!, mongoDb) });
      }
      // The scan reads what it should: every file kind is there, and redacted markers made it into the log.
      expect(places.map((p) => p.where)).toEqual(expect.arrayContaining([expect.stringMatching(/events\.sqlite$/)]));
      expect(places.some((p) => p.where.endsWith('events.sqlite') && p.content.includes(marker(victim.key)))).toBe(true);
      expect(output.join('').length).toBeGreaterThan(0);
      expect(leaksOf(keys, places)).toEqual([]);
    } finally {
      await receiver.close();
      if (ferret) await ferret.dispose();
      data.remove();
    }
  }, 180_000);
});

async function dumpDatabase(url: string, name: string): Promise<string> {
  const client = await MongoClient.connect(url);
  try {
    const db = client.db(name);
    const dumped: string[] = [];
    for (const { name: collection } of await db.listCollections().toArray()) {
      const documents = await db.collection(collection).find().toArray();
      dumped.push(`${collection}\n${JSON.stringify(documents)}`);
    }
    if (dumped.length === 0) throw new Error(`MongoDB database ${name} is empty: the read models were not written there`);
    await db.dropDatabase();
    return dumped.join('\n');
  } finally {
    await client.close();
  }
}
