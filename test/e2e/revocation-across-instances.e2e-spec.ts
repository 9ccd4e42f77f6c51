import request from 'supertest';
import { bearer } from '../support/auth.js';
import { eventually } from '../support/eventually.js';
import { startTestApp } from '../support/test-app.js';

describe('Revocation with two instances on one store', () => {
  it('is immediate on the serving instance and reaches the other within its projection lag', async () => {
    const a = await startTestApp({ env: { POLL_INTERVAL_MS: 50 } });
    const b = await startTestApp({ reuse: { dataDir: a.dataDir }, env: { POLL_INTERVAL_MS: 50 } });
    try {
      const admin = await a.bootstrapKey('acme');
      const victim = await a.bootstrapKey('acme', 'victim');
      await eventually(async () => {
        await request(b.http).get('/v1/api-keys').set(bearer(victim.key)).expect(200);
      });

      await request(a.http).delete(`/v1/api-keys/${victim.keyId}`).set(bearer(admin.key)).expect(200);
      const revokedAt = Date.now();
      await request(a.http).get('/v1/api-keys').set(bearer(victim.key)).expect(401);
      await eventually(async () => {
        await request(b.http).get('/v1/api-keys').set(bearer(victim.key)).expect(401);
      }, 2000);
      const lagMs = Date.now() - revokedAt;
      expect(lagMs).toBeLessThan(1000);
      await request(b.http).get('/v1/api-keys').set(bearer(admin.key)).expect(200);
    } finally {
      await b.close();
      await a.destroy();
    }
  });
});
