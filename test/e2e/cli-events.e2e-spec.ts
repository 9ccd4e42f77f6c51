import { spawnSync } from 'node:child_process';
import { childEnv } from '../support/child-env.js';
import { createKeyWithCli } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

describe("The CLI's events: an account's audit log, as GET /v1/events answers it", () => {
  const dir = makeTempDir('cli-events');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dir.path }) });
  afterAll(() => dir.remove());

  it('lists the changes of the account only, newest first, filtered and paged, with the operator as actor, and refuses a kind it does not know', () => {
    const acme = createKeyWithCli(dir.path);
    const globex = createKeyWithCli(dir.path, ['--account', 'globex']);
    expect(cli('disable', acme.id).status).toBe(0);
    expect(cli('enable', acme.id).status).toBe(0);

    const listed = cli('events', '--account', 'acme', '--json');
    expect(listed.status).toBe(0);
    const { data, has_more } = JSON.parse(listed.stdout);
    expect(has_more).toBe(false);
    expect(data.map((e: { type: string; key_id: string }) => [e.type, e.key_id])).toEqual([['KeyEnabled', acme.id], ['KeyDisabled', acme.id], ['KeyCreated', acme.id]]);
    expect(data[0].actor).toEqual({ type: 'operator', key_id: null, reason: null });
    expect(listed.stdout).not.toContain(globex.id);
    expect(listed.stdout).not.toMatch(/secretHash|[0-9a-f]{64}/);

    const disabled = JSON.parse(cli('events', '--account', 'acme', '--type', 'KeyDisabled', '--json').stdout).data;
    expect(disabled.map((e: { id: string }) => e.id)).toEqual([data[1].id]);
    const page = JSON.parse(cli('events', '--account', 'acme', '--limit', '1', '--starting-after', data[0].id, '--json').stdout);
    expect(page).toEqual({ data: [data[1]], has_more: true });
    expect(JSON.parse(cli('events', '--account', 'acme', '--limit', '1', '--all', '--json').stdout).data).toEqual(data);
    expect(JSON.parse(cli('events', '--account', 'globex', '--key-id', acme.id, '--json').stdout).data).toEqual([]);

    const table = cli('events', '--account', 'acme', '--table');
    expect(table.stdout.split('\n')[0]).toMatch(/^OCCURRED +TYPE +KEY +ACTOR +REQUEST +EVENT ID/);
    expect(table.stdout).toContain('operator');

    const refused = cli('events', '--account', 'acme', '--type', 'KeyUsed');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/Allowed choices are/);
  });
});
