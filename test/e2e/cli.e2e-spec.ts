import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { childEnv } from '../support/child-env.js';
import { startTestApp } from '../support/test-app.js';
import { makeTempDir } from '../support/temp-dir.js';

const CLI = 'dist/cli.js';

function runCli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: childEnv(env),
  });
}

/** What create-key says on stderr of an account that had no keys before. */
const firstKeyWarning = (account: string) => `warning: account ${account} had no keys: this is its first (if you meant an existing account, check --account)\n`;

describe('Operator CLI', () => {
  it('prints the create response as JSON, and a running server accepts the key within a second', async () => {
    const t = await startTestApp({ env: { POLL_INTERVAL_MS: 100 } });
    try {
      const cli = runCli(['create-key', '--account', 'acme', '--name', 'Bootstrap key'], { DATA_DIR: t.dataDir });
      expect(cli.status).toBe(0);
      const created = JSON.parse(cli.stdout);
      expect(Object.keys(created).sort()).toEqual(
        [
          'created_at', 'id', 'key', 'last_used_at', 'name', 'prefix', 'rate_limit', 'request_count', 'revoked_at', 'status',
          'disabled', 'permissions', 'allowed_ips', 'expires_at', 'predecessor_id', 'rotation',
        ].sort(),
      );
      expect(created).toMatchObject({ name: 'Bootstrap key', status: 'active', last_used_at: null });
      const started = Date.now();
      let status = 0;
      while (Date.now() - started < 1000) {
        status = (await request(t.http).get('/v1/api-keys').set(bearer(created.key))).status;
        if (status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(status).toBe(200);
      const viaApi = await request(t.http).post('/v1/api-keys').set(bearer(created.key)).send({ name: 'x' }).expect(201);
      expect(Object.keys(viaApi.body).sort()).toEqual(Object.keys(created).sort());
    } finally {
      await t.destroy();
    }
  });

  it('works with no server running; the server picks the key up when it starts', async () => {
    const dir = makeTempDir('cli');
    try {
      const cli = runCli(['create-key', '--account', 'acme'], { DATA_DIR: dir.path });
      expect(cli.status).toBe(0);
      const created = JSON.parse(cli.stdout);
      expect(created.name).toBeNull();
      // A new store is said, once: a mistyped DATA_DIR gave a key no service knew, in silence.
      // So is a new account: a mistyped --account started one in silence, its key unseen by the account meant.
      expect(cli.stderr).toBe(
        firstKeyWarning('acme') +
          `warn: DATA_DIR ${dir.path} held no event log: a new store was started in it (${dir.path}/events.sqlite). ` +
          'A service on another DATA_DIR does not know this key; if DATA_DIR was mistyped, run again with the right one.\n',
      );
      expect(runCli(['create-key', '--account', 'acme'], { DATA_DIR: dir.path }).stderr).toBe('');
      const typo = runCli(['create-key', '--account', 'acmee'], { DATA_DIR: dir.path });
      expect([typo.status, typo.stderr]).toEqual([0, firstKeyWarning('acmee')]);
      const t = await startTestApp({ reuse: { dataDir: dir.path } });
      try {
        const { eventually } = await import('../support/eventually.js');
        await eventually(async () => {
          await request(t.http).get('/v1/api-keys').set(bearer(created.key)).expect(200);
        });
      } finally {
        await t.close();
      }
    } finally {
      dir.remove();
    }
  });

  it.each([
    [[], /^error: no command given \(see parsesphere-keys --help\)$/],
    [['make-coffee'], /^error: unknown command 'make-coffee' \(see parsesphere-keys --help\)$/],
    [['create-key'], /^error: required option '--account <account-id>' not specified \(see parsesphere-keys create-key --help\)$/],
    [['create-key', '--account', 'bad account!'], /an account id is 1-64 letters, digits, _ or -/],
    [['create-key', '--account', 'acme', '--colour', 'red'], /^error: unknown option '--colour'/],
    // A misspelt required option is the unknown option it is, not the required one "not specified" (commander checks those first).
    [['list', '--acount', 'acme'], /^error: unknown option '--acount' \(see parsesphere-keys list --help\)$/],
    [['create-key', '--acount', 'acme'], /^error: unknown option '--acount' \(see parsesphere-keys create-key --help\)$/],
    [['roll', '550e8400-e29b-41d4-a716-446655440000', '--grce', '60'], /^error: unknown option '--grce' \(see parsesphere-keys roll --help\)$/],
    [['create-key', '--account', 'acme', '--rate-limit', 'fast'], /a rate limit is <requests>\/<seconds>/],
    // The API's rule for expires_in_seconds, named after the option (0 was "expires_at must be in the future.", exit 1;
    // 3153600001 and beyond made a key for centuries).
    ...['0', '3153600001', '9999999999', 'abc', '-5', '1.5'].map((value): [string[], RegExp] => [
      ['create-key', '--account', 'acme', '--expires-in', value],
      /--expires-in must be an integer between 1 and 3153600000 \(see parsesphere-keys create-key --help\)$/,
    ]),
    // The API's rules for grace_seconds and close_when_idle_seconds, named after the option (604801 and an idle 0
    // were the Decider's "grace_seconds must be an integer from 0 to 604800.", exit 1).
    ...['604801', '99999999999', '-1', '1.5'].map((value): [string[], RegExp] => [
      ['roll', '550e8400-e29b-41d4-a716-446655440000', '--grace', value],
      /--grace must be an integer between 0 and 604800 \(see parsesphere-keys roll --help\)$/,
    ]),
    ...['0', '604801', 'abc'].map((value): [string[], RegExp] => [
      ['roll', '550e8400-e29b-41d4-a716-446655440000', '--grace', '60', '--close-when-idle', value],
      /--close-when-idle must be an integer between 1 and 604800 \(see parsesphere-keys roll --help\)$/,
    ]),
    [['list', '--account', 'acme', '--limit', '101'], /the limit is an integer from 1 to 100/],
    [['list', '--account', 'acme', '--json', '--table'], /option '--json' cannot be used with option '--table'/],
    [['show', 'not-a-uuid'], /a key id is a UUID \(see parsesphere-keys show --help\)$/],
    // An --if-match that names no revision (it was refused as "it has changed since", of a key that had not).
    ...['abc', 'W/"0"', '', '0,1'].map((value): [string[], RegExp] => [
      ['revoke', '550e8400-e29b-41d4-a716-446655440000', '--if-match', value],
      /a revision is a whole number, as show prints it \(or the ETag "3"\), or \* for any \(see parsesphere-keys revoke --help\)$/,
    ]),
    [['revoke'], /missing required argument 'key-id'/],
    [['update', '550e8400-e29b-41d4-a716-446655440000', '--name', 'x', '--no-name'], /option '--name <name>' cannot be used with option '--no-name'/],
    [['update', '550e8400-e29b-41d4-a716-446655440000', '--no-name', '--name', 'y'], /option '--name <name>' cannot be used with option '--no-name'/],
    [['update', '550e8400-e29b-41d4-a716-446655440000', '--expires-at', '2030-01-31T12:00:00Z', '--no-expiry'], /option '--expires-at <instant>' cannot be used with option '--no-expiry'/],
    [['history', '550e8400-e29b-41d4-a716-446655440000', '--order', 'sideways'], /Allowed choices are occurred, log/],
    [['history', '550e8400-e29b-41d4-a716-446655440000', '--direction', 'backwards'], /Allowed choices are oldest_first, newest_first/],
    [['alerts', '--account', 'acme', '--unowned'], /cannot be used with/],
    [['alerts', '--rule', 'bogus'], /Allowed choices are/],
  ])('explains %j in one line on stderr with exit code 2', (args, message) => {
    const dir = makeTempDir('cli');
    try {
      const cli = runCli(args, { DATA_DIR: dir.path });
      expect(cli.status).toBe(2);
      expect(cli.stdout).toBe('');
      expect(cli.stderr.endsWith('\n')).toBe(true);
      expect(cli.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(cli.stderr.trimEnd()).toMatch(message);
    } finally {
      dir.remove();
    }
  });

  it.each([[[]], [['create-key']], [['list']], [['show']], [['revoke']], [['history']], [['alerts']], [['replay']], [['backup']], [['restore']]])(
    'prints the help of %j with --help, exit code 0',
    (command) => {
      const cli = runCli([...command, '--help'], { DATA_DIR: '/nonexistent/never-created' });
      expect(cli.status).toBe(0);
      expect(cli.stderr).toBe('');
      expect(cli.stdout).toContain(`Usage: parsesphere-keys${command.length ? ` ${command[0]}` : ''} [options]`);
      if (command.length === 0) expect(cli.stdout).toContain('Exit codes: 0 ok, 1 failure, 2 usage error, 3 no such key, 75 try again later (a store did not answer).');
    },
  );

  it.each([
    ['show', '550e8400-e29b-41d4-a716-446655440000'],
    ['list', '--account', 'acme'],
    ['history', '550e8400-e29b-41d4-a716-446655440000'],
    ['alerts'],
    ['replay'],
    ['revoke', '550e8400-e29b-41d4-a716-446655440000'],
  ])('refuses a DATA_DIR with no event log, exit code 1, and creates nothing there (%s)', (...args) => {
    const dir = makeTempDir('cli');
    const dataDir = `${dir.path}/mistyped`;
    try {
      const cli = runCli(args, { DATA_DIR: dataDir });
      expect(cli.status).toBe(1);
      expect(cli.stdout).toBe('');
      expect(cli.stderr).toBe(`error: No event log in DATA_DIR ${dataDir} (no ${dataDir}/events.sqlite): check DATA_DIR. Only create-key starts a new store.\n`);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      dir.remove();
    }
  });

  it("says when npm took the command's options for its own (npm run cli without --), instead of only that they are missing", () => {
    const dir = makeTempDir('cli');
    try {
      const run = (...args: string[]) => spawnSync('npm', ['run', 'cli', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dir.path }) });
      const without = run('create-key', '--account', 'acme', '--name', 'x');
      expect([without.status, without.stdout, without.stderr]).toEqual([
        2,
        '',
        "error: required option '--account <account-id>' not specified (npm took --account, --name for its own settings: put -- before the command, npm run cli -- create-key …) (see parsesphere-keys create-key --help)\n",
      ]);
      // With the --, as the docs give it: no hint, the command runs.
      expect(run('--', 'create-key').stderr).toBe("error: required option '--account <account-id>' not specified (see parsesphere-keys create-key --help)\n");
      expect(run('--', 'create-key', '--account', 'acme').status).toBe(0);
    } finally {
      dir.remove();
    }
  });

  it.each([['list', '--account', 'acme'], ['backup', 'copy.sqlite'], ['replay']])(
    'refuses an empty (0-byte) events.sqlite, a copy never written, instead of taking it for an empty store (%s)',
    (...args) => {
      const dir = makeTempDir('cli');
      try {
        writeFileSync(`${dir.path}/events.sqlite`, '');
        const cli = spawnSync(process.execPath, [`${process.cwd()}/${CLI}`, ...args], { encoding: 'utf8', cwd: dir.path, env: childEnv({ DATA_DIR: dir.path }) });
        expect(cli.status).toBe(1);
        expect(cli.stderr).toBe(
          `error: The event log ${dir.path}/events.sqlite is empty (0 bytes): an incomplete copy? Restore it from a complete backup, or check DATA_DIR.\n`,
        );
        expect(readdirSync(dir.path)).toEqual(['events.sqlite']);
      } finally {
        dir.remove();
      }
    },
  );

  it.each([['create-key', '--account', 'acme'], ['create-key', '--account', 'acme', '--table'], ['roll']])(
    'stdout full (ENOSPC) after the key is made (%s): one line names the key to revoke, exit 1, no stack',
    (...args) => {
      const dir = makeTempDir('cli');
      const full = openSync('/dev/full', 'w');
      try {
        const first = runCli(['create-key', '--account', 'acme'], { DATA_DIR: dir.path });
        const command = args[0] === 'roll' ? ['roll', JSON.parse(first.stdout).id, '--grace', '0'] : args;
        const cli = spawnSync(process.execPath, [CLI, ...command], { encoding: 'utf8', env: childEnv({ DATA_DIR: dir.path }), stdio: ['ignore', full, 'pipe'] });
        expect(cli.status).toBe(1);
        const line = /^error: key ([0-9a-f-]{36}) was made, but stdout could not take its secret \(ENOSPC\), which is never shown again: revoke it \(parsesphere-keys revoke \1\) and make another\n$/;
        expect(cli.stderr).toMatch(line);
        const made = cli.stderr.match(line)![1];
        expect(runCli(['show', made, '--json'], { DATA_DIR: dir.path }).status).toBe(0);
      } finally {
        closeSync(full);
        dir.remove();
      }
    },
  );

  it('stdout full (ENOSPC) for a listing: one line, exit 1, no stack', () => {
    const dir = makeTempDir('cli');
    const full = openSync('/dev/full', 'w');
    try {
      runCli(['create-key', '--account', 'acme'], { DATA_DIR: dir.path });
      const cli = spawnSync(process.execPath, [CLI, 'list', '--account', 'acme'], { encoding: 'utf8', env: childEnv({ DATA_DIR: dir.path }), stdio: ['ignore', full, 'pipe'] });
      expect([cli.status, cli.stderr]).toEqual([1, 'error: could not write to stdout (ENOSPC): the output is incomplete\n']);
    } finally {
      closeSync(full);
      dir.remove();
    }
  });

  it.each([['list', '--account', 'acme'], ['replay']])('says in one line that a store is down, exit code 75: try again later (%s)', (...args) => {
    const dir = makeTempDir('cli');
    try {
      // An event log there, else the command stops before reaching MongoDB (see the next test).
      expect(runCli(['create-key', '--account', 'acme'], { DATA_DIR: dir.path }).status).toBe(0);
      const cli = runCli(args, { DATA_DIR: dir.path, MONGODB_URL: 'mongodb://127.0.0.1:1' });
      // sysexits' EX_TEMPFAIL, where a refusal is 1: until 2026-12-07 both were 1, and a script could not tell them apart.
      expect(cli.status).toBe(75);
      expect(cli.stdout).toBe('');
      expect(cli.stderr).toMatch(/^error: MongoDB is unavailable: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
    } finally {
      dir.remove();
    }
  });

  it('refuses a name over 100 characters with exit code 1', () => {
    const dir = makeTempDir('cli');
    try {
      const cli = runCli(['create-key', '--account', 'acme', '--name', 'x'.repeat(101)], { DATA_DIR: dir.path });
      expect(cli.status).toBe(1);
      expect(cli.stderr).toBe('error: --name must be between 1 and 100 characters.\n');
    } finally {
      dir.remove();
    }
  });

  it.each([
    ['a line break', 'a\nb', 'name must not contain control characters (such as NUL, tab, CR or LF).'],
    ['a bidi override', 'invoice\u202Egnp.exe', 'name must not contain bidirectional control characters (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).'],
  ])('applies the name policy of the API: refuses %s with exit code 1', (_case, name, message) => {
    const dir = makeTempDir('cli');
    try {
      const cli = runCli(['create-key', '--account', 'acme', '--name', name], { DATA_DIR: dir.path });
      expect(cli.status).toBe(1);
      expect(cli.stderr).toContain(message);
    } finally {
      dir.remove();
    }
  });

  // The key's rules name the API's fields; the operator typed options, and reads them back (operations.md, Operator CLI).
  it.each([
    [['--expires-in', '7200'], 'error: --expires-in is beyond the maximum key lifetime of 3600 seconds (MAX_KEY_LIFETIME_SECONDS).'],
    [['--expires-at', '2999-01-01T00:00:00Z'], 'error: --expires-at is beyond the maximum key lifetime of 3600 seconds (MAX_KEY_LIFETIME_SECONDS).'],
    [['--allowed-ips', '300.1.1.1'], 'error: --allowed-ips must hold IPv4 or IPv6 addresses or CIDR blocks, such as "203.0.113.7" or "2001:db8::/32".'],
    [['--permissions', 'Keys:Read'], 'error: --permissions must be "*" or "<resource>:<action>" in lowercase, such as "keys:read" or "parses:*".'],
  ])('create-key %j is refused naming the option, exit code 1', (args, message) => {
    const dir = makeTempDir('cli');
    try {
      const cli = runCli(['create-key', '--account', 'lt', ...args], { DATA_DIR: dir.path, MAX_KEY_LIFETIME_SECONDS: '3600' });
      expect([cli.status, cli.stderr, cli.stdout]).toEqual([1, `${message}\n`, '']);
    } finally {
      dir.remove();
    }
  });

  it('update --no-expiry under MAX_KEY_LIFETIME_SECONDS is refused naming the option; create-key --help names the setting', () => {
    const dir = makeTempDir('cli');
    try {
      const env = { DATA_DIR: dir.path, MAX_KEY_LIFETIME_SECONDS: '3600' };
      const created = JSON.parse(runCli(['create-key', '--account', 'lt'], env).stdout);
      const cli = runCli(['update', created.id, '--no-expiry'], env);
      expect([cli.status, cli.stderr]).toEqual([1, 'error: --no-expiry is refused: the expiry may not be removed: keys live at most 3600 seconds (MAX_KEY_LIFETIME_SECONDS).\n']);
      const help = runCli(['create-key', '--help'], {}).stdout.replace(/\s+/g, ' ');
      expect(help).toMatch(/--expires-in <seconds> .*1-3153600000 and at most MAX_KEY_LIFETIME_SECONDS when that is set/);
      expect(help).toMatch(/--expires-at <instant> .*at most MAX_KEY_LIFETIME_SECONDS from now when that is set/);
    } finally {
      dir.remove();
    }
  });

  it('stores the name in NFC, as the API does', () => {
    const dir = makeTempDir('cli');
    try {
      const cli = runCli(['create-key', '--account', 'acme', '--name', 'Cle\u0301'], { DATA_DIR: dir.path });
      expect(cli.status).toBe(0);
      expect(JSON.parse(cli.stdout).name).toBe('Cl\u00e9');
    } finally {
      dir.remove();
    }
  });
});

describe('Operator CLI on a running service: list, show, revoke, history', () => {
  interface Listed {
    data: Array<Record<string, unknown>>;
    has_more: boolean;
  }
  /** The answer, with nothing on stderr but, for the first key of `firstIn`, that it is the account's first. */
  const json = (run: ReturnType<typeof runCli>, firstIn?: string) => {
    expect(run.stderr).toBe(firstIn === undefined ? '' : firstKeyWarning(firstIn));
    expect(run.status).toBe(0);
    return JSON.parse(run.stdout);
  };

  it('goes through the same handlers as the API, in the account given, in JSON through a pipe and as a table on request', async () => {
    const t = await startTestApp({ env: { POLL_INTERVAL_MS: 50 } });
    const env = { DATA_DIR: t.dataDir };
    try {
      const created = [1, 2, 3].map((n) => json(runCli(['create-key', '--account', 'acme', '--name', `k${n}`], env), n === 1 ? 'acme' : undefined));
      const other = json(runCli(['create-key', '--account', 'globex'], env), 'globex');

      const { eventually } = await import('../support/eventually.js');
      let listed: Listed = { data: [], has_more: false };
      await eventually(async () => {
        listed = json(runCli(['list', '--account', 'acme'], env));
        expect(listed.data).toHaveLength(3);
      });
      // Newest first and redacted, exactly as GET /v1/api-keys answers.
      const viaApi = (await request(t.http).get('/v1/api-keys').set(bearer(created[0].key)).expect(200)).body;
      expect(listed).toEqual(viaApi);
      expect(JSON.stringify(listed)).not.toContain(created[0].key);
      expect(listed.data.map((k) => k.name)).toEqual(['k3', 'k2', 'k1']);

      const first = json(runCli(['list', '--account', 'acme', '--limit', '2'], env)) as Listed;
      expect(first).toMatchObject({ has_more: true });
      const second = json(runCli(['list', '--account', 'acme', '--limit', '2', '--starting-after', String(first.data[1].id)], env)) as Listed;
      expect([...first.data, ...second.data].map((k) => k.id)).toEqual(listed.data.map((k) => k.id));
      expect(second.has_more).toBe(false);
      expect(json(runCli(['list', '--account', 'acme', '--limit', '1', '--all'], env))).toEqual(listed);

      const table = runCli(['list', '--account', 'acme', '--table'], env);
      expect(table.status).toBe(0);
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID +NAME +PREFIX +STATUS +RATE LIMIT +REQUESTS +CREATED +LAST USED$/);
      expect(lines).toHaveLength(4);
      expect(table.stdout).not.toContain(created[0].key);
      // A mistyped account lists nothing: the table says so on stderr (it was a bare header); JSON stays the API's answer.
      const none = runCli(['list', '--account', 'acmee', '--table'], env);
      expect([none.status, none.stdout.trimEnd().split('\n').length, none.stderr]).toEqual([0, 1, 'Account acmee holds no keys: if you expected some, check --account.\n']);
      expect(json(runCli(['list', '--account', 'acmee'], env))).toEqual({ data: [], has_more: false });

      const shown = json(runCli(['show', created[1].id], env));
      const shownViaApi = await request(t.http).get(`/v1/api-keys/${created[1].id}`).set(bearer(created[0].key)).expect(200);
      // The API's ETag is the revision show adds.
      expect({ ...shown, usage: undefined }).toEqual({ ...shownViaApi.body, usage: undefined, revision: Number(JSON.parse(shownViaApi.headers.etag)) });
      // --as-of: the key as the API's as_of shows it, and the table says which instant it shows.
      const asOf = shown.created_at as string;
      const shownThen = json(runCli(['show', created[1].id, '--as-of', asOf], env));
      const thenViaApi = await request(t.http).get(`/v1/api-keys/${created[1].id}?as_of=${asOf}`).set(bearer(created[0].key)).expect(200);
      expect({ ...shownThen, revision: undefined }).toEqual({ ...thenViaApi.body, revision: undefined });
      expect(runCli(['show', created[1].id, '--as-of', asOf, '--table'], env).stdout).toMatch(new RegExp(`^as of +${asOf}$`, 'm'));

      // Tenancy: in another account the key does not exist (exit 3), and nothing is revoked.
      const elsewhere = runCli(['revoke', created[1].id, '--account', 'globex'], env);
      expect(elsewhere.status).toBe(3);
      expect(elsewhere.stderr).toBe(`error: No such API key: ${created[1].id}\n`);
      expect(runCli(['show', created[1].id, '--account', 'globex'], env).status).toBe(3);
      expect(runCli(['history', other.id, '--account', 'acme'], env).status).toBe(3);
      await request(t.http).get('/v1/api-keys').set(bearer(created[1].key)).expect(200);

      const beforeRevoke = Date.now();
      const revoked = json(runCli(['revoke', created[1].id, '--account', 'acme'], env));
      expect(revoked).toMatchObject({ id: created[1].id, status: 'revoked' });
      expect(revoked.revoked_at).not.toBeNull();
      // The API's receipt, as far as it applies to a CLI run: no instances_* (the CLI is no instance and asks none).
      expect(revoked.revocation).toEqual({ position: expect.any(Number), in_force_at: expect.any(String) });
      expect(Date.parse(revoked.revocation.in_force_at)).toBeGreaterThanOrEqual(beforeRevoke);
      await eventually(async () => {
        await request(t.http).get('/v1/api-keys').set(bearer(created[1].key)).expect(401);
      });
      // Revoking again changes nothing: the same revocation (its use above may have been counted since), in the API's shape.
      const again = json(runCli(['revoke', created[1].id], env));
      expect(again).toMatchObject({ id: revoked.id, status: 'revoked', revoked_at: revoked.revoked_at, revocation: { position: revoked.revocation.position } });
      const againViaApiAnswer = await request(t.http).delete(`/v1/api-keys/${created[1].id}`).set(bearer(created[0].key)).expect(200);
      const againViaApi = againViaApiAnswer.body;
      // With the revision, the API's ETag, as every change prints it.
      expect(Object.keys(again).sort()).toEqual([...Object.keys(againViaApi), 'revision'].sort());
      expect(again.revision).toBe(Number(JSON.parse(againViaApiAnswer.headers.etag)));
      expect(Object.keys(again.revocation).sort()).toEqual(Object.keys(againViaApi.revocation).sort());
      expect(againViaApi.revocation.position).toBe(revoked.revocation.position);
      const againTable = runCli(['revoke', created[1].id, '--table'], env);
      expect(againTable.status).toBe(0);
      expect(againTable.stdout).toMatch(new RegExp(`^log position +${revoked.revocation.position}$`, 'm'));
      expect(againTable.stdout).toMatch(/^in force at +\d{4}-\d\d-\d\dT/m);

      const trail = runCli(['history', created[1].id], env);
      expect(trail.status).toBe(0);
      const events = trail.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
      // The one use (the 200 above) was made before the revocation: listed before it, however it was batched.
      expect(events.map((e) => e.type)).toEqual(['KeyCreated', 'KeyUsed', 'KeyRevoked']);
      expect(events.every((e) => typeof e.position === 'number')).toBe(true);
      expect(events[2].position).toBe(revoked.revocation.position);
      const newestFirst = runCli(['history', created[1].id, '--direction', 'newest_first'], env);
      expect(newestFirst.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).type)).toEqual(['KeyRevoked', 'KeyUsed', 'KeyCreated']);
      const trailTable = runCli(['history', created[1].id, '--table'], env);
      expect(trailTable.stdout.split('\n')[0]).toMatch(/^TIME +TYPE +LOG POSITION +STREAM#REVISION +ACTING KEY +REQUEST$/);
      // The CLI's revocation was made by no request: "-".
      expect(trailTable.stdout.trimEnd().split('\n').at(-1)).toMatch(/KeyRevoked .* -$/);

      const unknown = '550e8400-e29b-41d4-a716-446655440000';
      for (const command of ['show', 'revoke', 'history']) {
        const run = runCli([command, unknown], env);
        expect([command, run.status, run.stderr]).toEqual([command, 3, `error: No such API key: ${unknown}\n`]);
      }
      // A page after a key the account has not got: the API's 404, so exit 3.
      const afterUnknown = runCli(['list', '--account', 'acme', '--starting-after', unknown], env);
      // (Its last line: on a loaded machine a warning that the service's views are still catching up may come first.)
      expect([afterUnknown.status, afterUnknown.stderr.trimEnd().split('\n').at(-1)]).toEqual([3, 'error: --starting-after: no such API key in this account.']);
    } finally {
      await t.destroy();
    }
    // About twenty CLI processes, one after another.
  }, 180_000);

  it('lists at once what it created while no service ran: it brings the read models up to the log first', async () => {
    const t = await startTestApp();
    const env = { DATA_DIR: t.dataDir };
    await t.bootstrapKey('acme', 'from the service');
    await t.close();
    try {
      json(runCli(['create-key', '--account', 'acme', '--name', 'while stopped'], env));
      const listed = json(runCli(['list', '--account', 'acme'], env)) as Listed;
      expect(listed.data.map((k) => k.name)).toEqual(['while stopped', 'from the service']);
    } finally {
      await t.destroy();
    }
  });
});

describe('Operator CLI: key policies, disable, enable, update, roll', () => {
  /** The answer, with nothing on stderr but, for the first key of `firstIn`, that it is the account's first. */
  const json = (run: ReturnType<typeof runCli>, firstIn?: string) => {
    expect(run.stderr).toBe(firstIn === undefined ? '' : firstKeyWarning(firstIn));
    expect(run.status).toBe(0);
    return JSON.parse(run.stdout);
  };

  it('creates a restricted, expiring key, changes it, disables and enables it, and rolls it, in force on a running service', async () => {
    const t = await startTestApp({ env: { POLL_INTERVAL_MS: 50 } });
    const env = { DATA_DIR: t.dataDir };
    const { eventually } = await import('../support/eventually.js');
    try {
      const created = json(runCli(['create-key', '--account', 'acme', '--permissions', 'keys:read,parses:*', '--allowed-ips', '127.0.0.1,10.1.2.3/8', '--expires-in', '3600'], env), 'acme');
      expect(created).toMatchObject({ permissions: ['keys:read', 'parses:*'], allowed_ips: ['127.0.0.1', '10.0.0.0/8'] });
      expect(Date.parse(created.expires_at) - Date.parse(created.created_at)).toBe(3600_000);
      await eventually(async () => void (await request(t.http).get('/v1/api-keys').set(bearer(created.key)).expect(200)));
      await request(t.http).post('/v1/api-keys').set(bearer(created.key)).expect(403);

      const updated = json(runCli(['update', created.id, '--name', 'renamed', '--permissions', '*', '--no-expiry', '--if-match', '0'], env));
      expect(updated).toMatchObject({ name: 'renamed', permissions: ['*'], expires_at: null });
      const stale = runCli(['update', created.id, '--name', 'again', '--if-match', '0'], env);
      expect(stale.status).toBe(1);
      // In the CLI's words (it was the API's "If-Match does not name … (its ETag)"), with the revision to retry from.
      expect(stale.stderr).toBe("error: --if-match does not name the key's current revision: it has changed since. Nothing was changed. Its revision now: 1.\n");

      // Every change takes --if-match: a stale revision changes nothing (exit 1); the current one goes through.
      for (const change of [['disable'], ['enable'], ['roll', '--grace', '0'], ['revoke']]) {
        const refused = runCli([...change, created.id, '--if-match', '0'], env);
        expect([change[0], refused.status, refused.stderr]).toEqual([change[0], 1, expect.stringMatching(/^error: --if-match does not name .* Its revision now: 1\.\n$/)]);
      }
      // show says the revision --if-match takes, in JSON and in its table.
      const shown = json(runCli(['show', created.id], env));
      expect(shown).toMatchObject({ status: 'active', rotation: null, revision: 1 });
      expect(runCli(['show', created.id, '--table'], env).stdout).toMatch(/^revision +1$/m);
      expect(json(runCli(['disable', created.id, '--if-match', String(shown.revision)], env))).toMatchObject({ status: 'disabled' });
      expect(json(runCli(['enable', created.id, '--if-match', '"2"'], env))).toMatchObject({ status: 'active' });
      expect(json(runCli(['disable', created.id, '--if-match', '*'], env))).toMatchObject({ status: 'disabled' });
      await eventually(async () => void (await request(t.http).get('/v1/api-keys').set(bearer(created.key)).expect(401)));
      expect(json(runCli(['enable', created.id], env))).toMatchObject({ status: 'active' });
      await eventually(async () => void (await request(t.http).get('/v1/api-keys').set(bearer(created.key)).expect(200)));

      const rolled = json(runCli(['roll', created.id, '--grace', '0'], env));
      expect(rolled).toMatchObject({ predecessor_id: created.id, key: expect.stringMatching(/^sk_/), rolled: { status: 'expired' } });
      await eventually(async () => void (await request(t.http).get('/v1/api-keys').set(bearer(created.key)).expect(401)));
      await eventually(async () => void (await request(t.http).get('/v1/api-keys').set(bearer(rolled.key)).expect(200)));
      const history = runCli(['history', created.id, '--json'], env).stdout.trim().split('\n').map((line) => JSON.parse(line).type).filter((type) => type !== 'KeyUsed');
      expect(history).toEqual(['KeyCreated', 'KeyUpdated', 'KeyDisabled', 'KeyEnabled', 'KeyDisabled', 'KeyEnabled', 'KeyRolled', 'KeyExpired']);
      // Rolled again (its answer lost): refused, naming the key that replaced it.
      const again = runCli(['roll', created.id, '--grace', '0'], env);
      expect([again.status, again.stderr.trim()]).toEqual([1, `error: API key ${created.id} is expired (rolled to API key ${rolled.id}).`]);

      const bad = runCli(['update', rolled.id, '--allowed-ips', '10.0.0.0/99'], env);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/^error: --allowed-ips must hold /);

      expect(rolled.name).toBe('renamed');
      expect(json(runCli(['update', rolled.id, '--no-name'], env))).toMatchObject({ name: null });
    } finally {
      await t.destroy();
    }
    // About twenty CLI processes, one after another.
  }, 120_000);
  it("show gives a rolled key's uses since the roll, as the API does: an operator watches them before revoking it", async () => {
    const t = await startTestApp({ env: { POLL_INTERVAL_MS: 50, USAGE_FLUSH_INTERVAL_MS: 20 } });
    const env = { DATA_DIR: t.dataDir };
    const { eventually } = await import('../support/eventually.js');
    try {
      const created = json(runCli(['create-key', '--account', 'acme', '--name', 'fleet'], env), 'acme');
      const admin = json(runCli(['create-key', '--account', 'acme', '--name', 'admin'], env));
      json(runCli(['roll', created.id, '--grace', '3600'], env));
      await eventually(async () => void (await request(t.http).get('/v1/whoami').set(bearer(created.key)).expect(200)));
      await request(t.http).get('/v1/whoami').set(bearer(created.key)).expect(200);
      let api: { uses_since_roll: number; last_used_at: string } = { uses_since_roll: 0, last_used_at: '' };
      await eventually(async () => {
        const { body } = await request(t.http).get(`/v1/api-keys/${created.id}`).set(bearer(admin.key)).expect(200);
        expect(body.rotation.uses_since_roll).toBe(2);
        api = body.rotation;
      });
      // Until 2026-12-06 show answered uses_since_roll 0, last_used_at null, no addresses: 'nobody uses the old key'.
      const shown = json(runCli(['show', created.id], env));
      expect(shown.rotation).toMatchObject({ uses_since_roll: api.uses_since_roll, last_used_at: api.last_used_at, addresses_since_roll: ['127.0.0.1'] });
      const table = runCli(['show', created.id, '--table'], env).stdout;
      expect(table).toMatch(new RegExp(`^uses since roll +${api.uses_since_roll}$`, 'm'));
      expect(table).toMatch(/^addresses since roll +127\.0\.0\.1$/m);
    } finally {
      await t.destroy();
    }
  }, 60_000);
});
