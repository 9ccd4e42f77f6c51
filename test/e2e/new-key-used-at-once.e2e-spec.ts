import { callInstance } from '../support/instance-call.js';
import { countEvents, createKeyWithCli } from '../support/service-process.js';
import { twoInstancesOnOneStore } from '../support/two-instances.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

/**
 * A key used the moment its creation answered, on an instance that has not read it yet: each instance follows the
 * log only every 10 s here, so without the catch-up on a miss every use below would be refused (and counted a
 * failed authentication of the caller's address).
 */
describe('A new key authenticates at once on every instance', () => {
  const cluster = twoInstancesOnOneStore('new-key-used-at-once', { POLL_INTERVAL_MS: '10000', VERIFY_TOKEN });
  const verifyOn = async (url: string, key: string) =>
    (await fetch(`${url}/v1/keys/verify`, { method: 'POST', headers: { Authorization: `Bearer ${VERIFY_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ key }) })).json();

  it('a key created on one instance is accepted by the other on its first request, and by verify', async () => {
    const created = await callInstance(cluster.a, cluster.admin, 'POST', '/v1/api-keys', { name: 'made on a' });
    expect(created.status).toBe(201);
    expect((await callInstance(cluster.b, created.body.key)).status).toBe(200);
    const again = await callInstance(cluster.a, cluster.admin, 'POST', '/v1/api-keys', { name: 'verified on b' });
    expect(await verifyOn(cluster.b.url, again.body.key)).toMatchObject({ valid: true, key_id: again.body.id });
  });

  it('a key the CLI prints is accepted at once by a running instance, with no failed authentication recorded', async () => {
    const dataDir = cluster.settings.DATA_DIR!;
    const failedBefore = countEvents(dataDir, 'AuthenticationFailed');
    for (let i = 0; i < 3; i++) {
      const printed = createKeyWithCli(dataDir, ['--name', `bootstrap ${i}`], cluster.settings);
      expect((await callInstance(i % 2 === 0 ? cluster.a : cluster.b, printed.key)).status).toBe(200);
    }
    // Usage and failures are appended every 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(countEvents(dataDir, 'AuthenticationFailed')).toBe(failedBefore);
  });

  it('an unknown key is still refused, after the catch-up', async () => {
    const unknown = createKeyWithCli(cluster.settings.DATA_DIR!, [], cluster.settings);
    const answer = await callInstance(cluster.b, unknown.key.slice(0, -1) + (unknown.key.endsWith('a') ? 'b' : 'a'));
    expect(answer.status).toBe(401);
  });
});
