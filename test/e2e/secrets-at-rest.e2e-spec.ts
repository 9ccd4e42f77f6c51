import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { startTestApp } from '../support/test-app.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

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
      const bytes = files.map((file) => readFileSync(file));
      expect(bytes.some((b) => b.includes(keys[0].slice(0, 12)))).toBe(true);
      for (const key of keys) {
        for (const content of bytes) {
          expect(content.includes(key)).toBe(false);
          // The part after the display prefix must not appear either (in any encoding we write).
          expect(content.includes(key.slice(12))).toBe(false);
          expect(content.includes(Buffer.from(key, 'utf16le'))).toBe(false);
        }
        expect(logged.join('')).not.toContain(key.slice(12));
      }
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
      await t.destroy();
    }
  });
});
