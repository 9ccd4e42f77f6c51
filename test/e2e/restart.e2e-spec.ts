import request from 'supertest';
import { bearer } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { DEFAULT_ANOMALY_THRESHOLDS } from '../../src/anomalies/domain/anomaly-thresholds.js';
import { restoreDetectorSnapshot } from '../../src/anomalies/domain/detector-snapshot.js';
import { openReadModelStorage } from '../../src/app/storage/storage.js';
import { backends, startTestApp } from '../support/test-app.js';

interface Listed {
  id: string;
  request_count: number;
  last_used_at: string | null;
}

/** The listing without the usage fields, which the listing request itself changes. */
const lifecycleOnly = (body: { data: Listed[] }) => body.data.map(({ request_count, last_used_at, ...rest }) => rest);
const requestCount = (body: { data: Listed[] }, id: string) => body.data.find((k) => k.id === id)?.request_count;

interface ProjectionLag {
  name: string;
  lag_events: number;
}
const detectorOf = (ready: { details: { projections: { projections: ProjectionLag[] } } }) =>
  ready.details.projections.projections.find((p) => p.name === 'anomaly-detector')!;

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

  it('leaves a snapshot of the anomaly detector at shutdown, holding what it had read', async () => {
    const first = await startTestApp({ backend });
    const { key: admin } = await first.bootstrapKey('acme');
    const other = await request(first.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'other' }).expect(201);
    // The detector runs behind the log on its own thread; the snapshot holds what it had read when stopped.
    // Resuming from a snapshot is covered by anomaly-detection.projection.spec.ts.
    await eventually(async () => {
      const ready = await request(first.http).get('/health/ready').expect(200);
      expect(detectorOf(ready.body).lag_events).toBe(0);
    });
    await first.close();
    const storage = await openReadModelStorage(
      { DATA_DIR: first.dataDir, MONGODB_URL: backend === 'mongodb' ? process.env.MONGODB_URL : undefined, MONGODB_DB: first.mongoDb ?? 'unused' },
      { walCheckpoints: false, onWarning: () => undefined },
    );
    try {
      const snapshot = await (await storage.detectorSnapshotStore()).load();
      expect(snapshot?.position).toBeGreaterThan(0);
      const state = await restoreDetectorSnapshot(snapshot!.parts, DEFAULT_ANOMALY_THRESHOLDS);
      expect(state!.keys.get(other.body.id)?.accountId).toBe('acme');
    } finally {
      await storage.close();
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
