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

  it('a read-model file locked by another process, or a restore while another process has the log open: 75, and each succeeds once it is let go', () => {
    const dir = makeTempDir('cli-temporary-failure-read-model');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dir.path }) });
    try {
      createKeyWithCli(dir.path, ['--name', 'held']);
      expect(cli('backup', join(dir.path, 'backup.sqlite')).status).toBe(0);
      // Until 2026-12-07: `error: database is locked`, exit 1, as if the command had been refused.
      const readModel = new Database(join(dir.path, 'read-model.sqlite'));
      readModel.pragma('locking_mode = EXCLUSIVE');
      readModel.exec('BEGIN EXCLUSIVE');
      try {
        const list = cli('list', '--account', 'acme');
        expect([list.status, list.stdout]).toEqual([TRY_AGAIN_LATER, '']);
        expect(list.stderr).toMatch(/^error: Read-model file .*read-model\.sqlite is unavailable: database is locked\n$/);
      } finally {
        readModel.exec('ROLLBACK');
        readModel.close();
      }
      expect(cli('list', '--account', 'acme').status).toBe(0);
      // A service or a command with the log open: the restore changes nothing and may be run again once it has ended (was 1).
      const reader = new Database(join(dir.path, 'events.sqlite'));
      reader.prepare('SELECT 1').get();
      try {
        const restore = cli('restore', join(dir.path, 'backup.sqlite'));
        expect([restore.status, restore.stdout]).toEqual([TRY_AGAIN_LATER, '']);
        expect(restore.stderr).toMatch(/^error: A process is using the event log .*events\.sqlite .* Nothing was changed\.\n$/);
      } finally {
        reader.close();
      }
      expect(cli('restore', join(dir.path, 'backup.sqlite')).status).toBe(0);
    } finally {
      dir.remove();
    }
  }, 60_000);
});
