import { spawnSync } from 'node:child_process';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { WHOLE_KEY_IN_NAME_MESSAGE, WHOLE_KEY_MESSAGE } from '../../src/keys/queries/list-api-keys/key-search-parameters.js';
import { childEnv } from '../support/child-env.js';
import { makeTempDir } from '../support/temp-dir.js';

const runCli = (args: string[], env: Record<string, string>) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv(env) });

describe('CLI list --name-prefix / --prefix', () => {
  const dir = makeTempDir('cli-search');
  const made: Record<string, { id: string; key: string; prefix: string }> = {};
  beforeAll(() => {
    for (const name of ['Production EU', 'staging', 'PRODUCTION US']) {
      const cli = runCli(['create-key', '--account', 'acme', '--name', name], { DATA_DIR: dir.path });
      expect(cli.status).toBe(0);
      made[name] = JSON.parse(cli.stdout);
    }
  });
  afterAll(() => dir.remove());

  const listed = (...args: string[]) => {
    const cli = runCli(['list', '--account', 'acme', '--json', ...args], { DATA_DIR: dir.path });
    expect(cli.status).toBe(0);
    return (JSON.parse(cli.stdout) as { data: Array<{ name: string; id: string }> }).data;
  };

  it('finds keys by the start of their name in any case, and one key by its display prefix', () => {
    expect(listed('--name-prefix', 'production').map((k) => k.name)).toEqual(['PRODUCTION US', 'Production EU']);
    expect(listed('--prefix', made.staging.prefix).map((k) => k.id)).toEqual([made.staging.id]);
    expect(listed('--prefix', made.staging.prefix, '--name-prefix', 'prod')).toEqual([]);
  });

  it('says so when nothing matches, and refuses a whole key as --prefix (exit 2) without repeating it', () => {
    const none = runCli(['list', '--account', 'acme', '--table', '--name-prefix', 'nothing'], { DATA_DIR: dir.path });
    expect(none.stderr).toContain('No key of account acme matches.');
    const key = generateApiKey();
    const refused = runCli(['list', '--account', 'acme', '--prefix', key], { DATA_DIR: dir.path });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(WHOLE_KEY_MESSAGE);
    expect(refused.stderr).not.toContain(key.slice(12));
    const asName = runCli(['list', '--account', 'acme', '--name-prefix', key.toLowerCase()], { DATA_DIR: dir.path });
    expect(asName.status).toBe(2);
    expect(asName.stderr).toContain(WHOLE_KEY_IN_NAME_MESSAGE);
    expect(asName.stderr.toLowerCase()).not.toContain(key.slice(12).toLowerCase());
  });
});

describe('CLI list --status', () => {
  const dir = makeTempDir('cli-status');
  const made: Record<string, string> = {};
  const ok = (args: string[]) => {
    const cli = runCli(args, { DATA_DIR: dir.path });
    expect(cli.status).toBe(0);
    return cli.stdout;
  };
  beforeAll(async () => {
    for (const [name, extra] of [['lasting', []], ['brief', ['--expires-in', '1']], ['off', []], ['gone', []]] as const) {
      made[name] = (JSON.parse(ok(['create-key', '--account', 'acme', '--name', name, '--json', ...extra])) as { id: string }).id;
    }
    ok(['disable', made.off, '--json']);
    ok(['revoke', made.gone, '--json']);
    // brief expires a second after its creation: judged at the time of each run below, it is expired by then.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });
  afterAll(() => dir.remove());

  const names = (...args: string[]) => (JSON.parse(ok(['list', '--account', 'acme', '--json', ...args])) as { data: Array<{ name: string }> }).data.map((k) => k.name);

  it('lists only the keys in that status at the time of the run, as GET /v1/api-keys?status= does, with --all too', () => {
    expect(names()).toEqual(['gone', 'off', 'brief', 'lasting']);
    for (const [status, expected] of [['active', ['lasting']], ['disabled', ['off']], ['expired', ['brief']], ['revoked', ['gone']]] as const) {
      expect({ status, listed: names('--status', status) }).toEqual({ status, listed: expected });
      expect({ status, listed: names('--status', status, '--all') }).toEqual({ status, listed: expected });
    }
  });

  it("refuses another status with the API's message (exit 2)", () => {
    const refused = runCli(['list', '--account', 'acme', '--status', 'deleted'], { DATA_DIR: dir.path });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('status must be one of active, disabled, expired, revoked');
  });
});
