import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { childEnv } from '../support/child-env.js';
import { createKeyWithCli } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

/** sysexits' EX_TEMPFAIL: try again later. MongoDB unreachable: test/e2e/cli.e2e-spec.ts ("a store is down"). */
const TRY_AGAIN_LATER = 75;

describe('Operator CLI: a store that does not answer exits 75 (try again later), a refusal 1', () => {
  it('the event log locked by another process past the busy timeout: 75, a refusal 1, and the command succeeds once the lock is gone', () => {
    const dir = makeTempDir('cli-temporary-failure');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dir.path }) });
    try {
      const { id } = createKeyWithCli(dir.path, ['--name', 'held']);
      const holder = new Database(join(dir.path, 'events.sqlite'));
      holder.exec('BEGIN EXCLUSIVE');
      try {
        const create = cli('create-key', '--account', 'acme', '--name', 'while-locked');
        expect([create.status, create.stdout]).toEqual([TRY_AGAIN_LATER, '']);
        expect(create.stderr).toMatch(/^error: The event log .*events\.sqlite is unavailable: database is locked\n$/);
      } finally {
        holder.exec('ROLLBACK');
        holder.close();
      }
      // A refusal stays 1: a script's retry loop must not spin on it.
      expect(cli('update', id, '--account', 'acme', '--name', 'x'.repeat(101)).status).toBe(1);
      expect(cli('create-key', '--account', 'acme', '--name', 'after-the-lock').status).toBe(0);
    } finally {
      dir.remove();
    }
  }, 30_000);
});
