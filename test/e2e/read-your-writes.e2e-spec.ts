import request from 'supertest';
import { ProjectionsService } from '../../src/app/projections/projections.service.js';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../../src/shared/projections/projection-progress.js';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A write waits for the read models its events change, and only for those: with the projection thread
 * (usage view, anomaly detector) stopped, key creation and revocation still answer at once, while a
 * wait on every read model times out.
 */
describe('Read-your-writes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { READ_YOUR_WRITES_TIMEOUT_MS: 300 } });
  });
  afterAll(() => t.destroy());

  it('waits only for the read models that consume the written events', async () => {
    const admin = (await t.bootstrapKey('acme')).key;
    await (t.app.get(ProjectionsService) as unknown as { thread: { stop(): Promise<void> } }).thread.stop();

    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'new' }).expect(201);
    const revoked = await request(t.http).delete(`/v1/api-keys/${created.body.id}`).set(bearer(admin)).expect(200);
    expect(revoked.body.status).toBe('revoked');

    const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
    await expect(t.app.get(ProjectionProgress).caughtUpTo(head)).rejects.toThrow(/not yet visible/);
  });
});
