import request from 'supertest';
import { bearer } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { backends, startTestApp } from '../support/test-app.js';

interface Listed {
  id: string;
  request_count: number;
  last_used_at: string | null;
}

/** The listing without the usage fields, which the listing request itself changes. */
const lifecycleOnly = (body: { data: Listed[] }) => body.data.map(({ request_count, last_used_at, ...rest }) => rest);
const requestCount = (body: { data: Listed[] }, id: string) => body.data.find((k) => k.id === id)?.request_count;

describe.each(backends())('Restart (%s read model)', (backend) => {
  it('keeps keys across a restart: they authenticate, list and revoke afterwards', async () => {
    const first = await startTestApp({ backend });
    const { key: admin, keyId: adminId } = await first.bootstrapKey('acme');
    const other = await request(first.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'other' }).expect(201);
    const before = await request(first.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
    await first.close();

    const second = await startTestApp({ backend, reuse: { dataDir: first.dataDir, mongoDb: first.mongoDb } });
    try {
      const after = await request(second.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
      expect(lifecycleOnly(after.body)).toEqual(lifecycleOnly(before.body));
      // The POST and the first GET, flushed at shutdown: usage survives the restart exactly, once the
      // projection has caught up with what the first instance appended while closing.
      await eventually(async () => {
        const listed = await request(second.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
        // This listing's own use is buffered, not yet counted.
        expect(requestCount(listed.body, adminId)).toBe(2);
      });
      await request(second.http).delete(`/v1/api-keys/${other.body.id}`).set(bearer(admin)).expect(200);
      await request(second.http).get('/v1/api-keys').set(bearer(other.body.key)).expect(401);
    } finally {
      await second.close();
      await first.destroy();
    }
  });

  it('rebuilds a deleted embedded read model from the log with identical answers', async () => {
    if (backend !== 'embedded') return;
    const first = await startTestApp();
    const { key: admin, keyId: adminId } = await first.bootstrapKey('acme');
    for (const name of ['a', 'b', 'c']) {
      await request(first.http).post('/v1/api-keys').set(bearer(admin)).send({ name }).expect(201);
    }
    const before = await request(first.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
    await first.close();
    const { rmSync } = await import('node:fs');
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${first.dataDir}/read-model.sqlite${suffix}`, { force: true });

    const second = await startTestApp({ reuse: { dataDir: first.dataDir } });
    try {
      await eventually(async () => {
        const after = await request(second.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
        expect(lifecycleOnly(after.body)).toEqual(lifecycleOnly(before.body));
        expect(requestCount(after.body, adminId)).toBe(4);
      });
    } finally {
      await second.close();
      await first.destroy();
    }
  });
});
