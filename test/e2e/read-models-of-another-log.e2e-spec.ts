import { copyFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { childEnv } from '../support/child-env.js';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import { whenMongo } from '../support/mongodb-fixture.js';
import { createKeyWithCli, type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function keyView(service: ServiceProcess, key: { id: string; key: string }): Promise<{ id: string; request_count: number }> {
  const response = await fetch(`${service.url}/v1/api-keys/${key.id}`, { headers: auth(key.key) });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; request_count: number };
}

/**
 * A second service on another event log (another DATA_DIR) but on the read models of the first: it must refuse to
 * start, in one line, rather than take the first log's checkpoints for a restore and start the views over.
 * `share` puts the first log's read models where the second one reads them (the same MongoDB database, or a copy of
 * the read-model file).
 */
async function secondLogOnTheSameReadModels(readModel: Record<string, string>, share: (first: string, second: string) => void, place: RegExp): Promise<void> {
  const dir = makeTempDir('another-log');
  const first = join(dir.path, 'first');
  const second = join(dir.path, 'second');
  const env = { USAGE_FLUSH_INTERVAL_MS: '10', ...readModel };
  const key = createKeyWithCli(first, [], readModel);
  let service = await startServiceProcess({ DATA_DIR: first, ...env });
  try {
    // Used, so that its usage view counts something.
    await keyView(service, key);
    let counted = 0;
    for (const deadline = Date.now() + 10_000; counted === 0 && Date.now() < deadline; ) {
      counted = (await keyView(service, key)).request_count;
      if (counted === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(counted).toBeGreaterThan(0);

    createKeyWithCli(second, ['--account', 'other-account'], readModel);
    if (!readModel.MONGODB_URL) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    share(first, second);
    const output: string[] = [];
    await expect(startServiceProcess({ DATA_DIR: second, ...env }, { output })).rejects.toThrow('exited (code 1)');
    const lines = output.join('').trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as { level: number; msg: string; error: string };
    expect(line.msg).toBe('cannot start: the read models follow another event log');
    expect(line.error).toMatch(place);
    expect(line.error).toMatch(/first KeyCreated [0-9a-f-]{36}; this log's: [0-9a-f-]{36}/);

    // A command that reads the read models refuses them the same way.
    const cli = spawnSync(process.execPath, ['dist/cli.js', 'list', '--account', 'other-account'], { encoding: 'utf8', env: childEnv({ DATA_DIR: second, ...readModel }) });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/^error: The read models in .* follow another event log \(first KeyCreated [0-9a-f-]{36}; this log's: [0-9a-f-]{36}\)[^\n]*\n$/);

    if (!readModel.MONGODB_URL) service = await startServiceProcess({ DATA_DIR: first, ...env });
    // The first log's views are as they were: its key listed, its usage kept.
    const listed = (await (await fetch(`${service.url}/v1/api-keys`, { headers: auth(key.key) })).json()) as { data: { id: string }[] };
    expect(listed.data.map(({ id }) => id)).toEqual([key.id]);
    expect((await keyView(service, key)).request_count).toBeGreaterThanOrEqual(counted);
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
    dir.remove();
  }
}

describe('a service started on another event log than its read models follow', () => {
  it(
    'refuses to start on the read-model file of another DATA_DIR, in one line',
    () =>
      secondLogOnTheSameReadModels(
        {},
        (first, second) => copyFileSync(join(first, 'read-model.sqlite'), join(second, 'read-model.sqlite')),
        /read-model file \S+second\/read-model\.sqlite follow another event log .*remove the read-model\*\.sqlite files first/,
      ),
    60_000,
  );

  whenMongo('a second event log on the same MongoDB database', (url) => {
    const db = `psk_test_${randomUUID().replaceAll('-', '')}`;
    afterAll(async () => {
      const { client, db: database } = await connectMongo(url, db);
      await database.dropDatabase();
      await client.close();
    });
    it(
      'refuses to start, naming the database, and the running service keeps its keys and usage',
      () =>
        secondLogOnTheSameReadModels({ MONGODB_URL: url, MONGODB_DB: db }, () => undefined, new RegExp(`MONGODB_DB ${db} at [^ @]+ follow another event log .*each event log needs its own MONGODB_DB; to reuse this database for this log, drop it first`)),
      120_000,
    );
  });
});
