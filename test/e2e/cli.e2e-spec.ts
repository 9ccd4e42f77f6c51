import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { startTestApp } from '../support/test-app.js';
import { makeTempDir } from '../support/temp-dir.js';

const CLI = 'dist/cli.js';

function runCli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
}

describe('Operator CLI', () => {
  it('prints the create response as JSON, and a running server accepts the key within a second', async () => {
    const t = await startTestApp({ env: { POLL_INTERVAL_MS: 100 } });
    try {
      const cli = runCli(['create-key', '--account', 'acme', '--name', 'Bootstrap key'], { DATA_DIR: t.dataDir });
      expect(cli.status).toBe(0);
      const created = JSON.parse(cli.stdout);
      expect(Object.keys(created).sort()).toEqual(
        ['created_at', 'id', 'key', 'last_used_at', 'name', 'prefix', 'rate_limit', 'request_count', 'revoked_at', 'status'].sort(),
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
    [[], /No command given/],
    [['make-coffee'], /Unknown command/],
    [['create-key'], /--account is required/],
    [['create-key', '--account', 'bad account!'], /--account is required/],
    [['create-key', '--account', 'acme', '--colour', 'red'], /Unknown option/],
  ])('explains %j on stderr with exit code 2', (args, message) => {
    const dir = makeTempDir('cli');
    try {
      const cli = runCli(args, { DATA_DIR: dir.path });
      expect(cli.status).toBe(2);
      expect(cli.stdout).toBe('');
      expect(cli.stderr).toMatch(message);
      expect(cli.stderr).toContain('Usage:');
    } finally {
      dir.remove();
    }
  });

  it('refuses a name over 100 characters with exit code 1', () => {
    const dir = makeTempDir('cli');
    try {
      const cli = runCli(['create-key', '--account', 'acme', '--name', 'x'.repeat(101)], { DATA_DIR: dir.path });
      expect(cli.status).toBe(1);
      expect(cli.stderr).toMatch(/name must be between 1 and 100/);
    } finally {
      dir.remove();
    }
  });

  it.each([
    ['a line break', 'a\nb', 'name must not contain control characters (such as NUL, tab, CR or LF).'],
    ['a bidi override', 'invoice\u202Egnp.exe', 'name must not contain bidirectional control characters (U+202A-U+202E, U+2066-U+2069).'],
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
