import { callInstance } from '../support/instance-call.js';
import { eventually } from '../support/eventually.js';
import { createKeyWithCli, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

async function stop(instance: ServiceProcess | undefined): Promise<void> {
  instance?.child.kill('SIGTERM');
  await instance?.exited;
}

/**
 * Each instance projects the log's uses into the one usage read model and keeps every key's counts in memory for its
 * listing. An instance that (re)starts while another serves the traffic finds views already further on than the
 * uses it projects, and must still learn their counts.
 */
describe('Usage counts with two service processes on one store', () => {
  const dir = makeTempDir('usage-two-instances');
  let a: ServiceProcess | undefined;
  let b: ServiceProcess | undefined;
  afterAll(async () => {
    await Promise.all([stop(a), stop(b)]);
    dir.remove();
  });

  it("an instance restarted while the other serves every use lists the same request counts as the log's", async () => {
    const env = { DATA_DIR: dir.path, AUTH_FAILURE_LIMIT: '10000' };
    const admin = createKeyWithCli(env.DATA_DIR, [], env).key;
    [a, b] = await Promise.all([startServiceProcess(env), startServiceProcess(env)]);
    const keys: { id: string; key: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const created = await callInstance(a, admin, 'POST', '/v1/api-keys', { name: `k${i}` });
      expect(created.status).toBe(201);
      keys.push(created.body);
      expect((await callInstance(a, created.body.key)).status).toBe(200);
    }
    const counts = async (instance: ServiceProcess) => {
      const listed = await callInstance(instance, admin, 'GET', '/v1/api-keys?limit=100');
      return Object.fromEntries(keys.map(({ id }) => [id, listed.body.data.find((key: { id: string }) => key.id === id)?.request_count]));
    };
    const everyKeyUsed = (times: number) => Object.fromEntries(keys.map(({ id }) => [id, times]));
    await eventually(async () => expect(await counts(b!)).toEqual(everyKeyUsed(1)), 10_000);

    await stop(b);
    b = await startServiceProcess(env);
    for (const { key } of keys) for (let use = 0; use < 5; use++) expect((await callInstance(a, key)).status).toBe(200);
    await eventually(async () => expect(await counts(a!)).toEqual(everyKeyUsed(6)), 10_000);
    await eventually(async () => expect(await counts(b!)).toEqual(everyKeyUsed(6)), 10_000);
  }, 90_000);
});
