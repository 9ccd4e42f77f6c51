import request from 'supertest';
import { bearer } from '../support/auth.js';
import { backends, startTestApp } from '../support/test-app.js';

describe.each(backends())('Restart (%s read model)', (backend) => {
  it('keeps keys across a restart: they authenticate, list and revoke afterwards', async () => {
    const first = await startTestApp({ backend });
    const admin = (await first.bootstrapKey('acme')).key;
    const other = await request(first.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'other' }).expect(201);
    const before = await request(first.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
    await first.close();

    const second = await startTestApp({ backend, reuse: { dataDir: first.dataDir, mongoDb: first.mongoDb } });
    try {
      const after = await request(second.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
      expect(after.body).toEqual(before.body);
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
    const admin = (await first.bootstrapKey('acme')).key;
    for (const name of ['a', 'b', 'c']) {
      await request(first.http).post('/v1/api-keys').set(bearer(admin)).send({ name }).expect(201);
    }
    const before = await request(first.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
    await first.close();
    const { rmSync } = await import('node:fs');
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${first.dataDir}/read-model.sqlite${suffix}`, { force: true });

    const second = await startTestApp({ reuse: { dataDir: first.dataDir } });
    try {
      const { eventually } = await import('../support/eventually.js');
      await eventually(async () => {
        const after = await request(second.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
        expect(after.body).toEqual(before.body);
      });
    } finally {
      await second.close();
      await first.destroy();
    }
  });
});
