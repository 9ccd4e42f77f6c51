import { spawnSync } from 'node:child_process';
import { childEnv } from '../support/child-env.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * Each change prints the revision it left the key at, as the API answers its ETag: a script chains --if-match from
 * one change's output to the next, where it had to run show in between and could read a later change's revision.
 */
describe('Operator CLI: a change prints the revision --if-match takes next', () => {
  it('update, disable, enable and revoke give the revision in JSON and in the table', () => {
    const dir = makeTempDir('cli-revision');
    const cli = (...args: string[]) => {
      const run = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dir.path }) });
      expect([args[0], run.status]).toEqual([args[0], 0]);
      return run.stdout;
    };
    try {
      const { id } = JSON.parse(cli('create-key', '--account', 'acme', '--json'));
      expect(cli('update', id, '--table')).toMatch(/^revision +0$/m);
      let revision = 0;
      for (const [change, ...options] of [['update', '--name', 'renamed'], ['disable'], ['enable'], ['update'], ['revoke']]) {
        const answer = JSON.parse(cli(change, id, ...options, '--if-match', String(revision), '--json'));
        // update with nothing to change leaves the revision as it was.
        expect([change, answer.revision]).toEqual([change, options.length === 0 && change === 'update' ? revision : revision + 1]);
        revision = answer.revision;
      }
      expect(cli('revoke', id, '--table')).toMatch(new RegExp(`^revision +${revision}$`, 'm'));
    } finally {
      dir.remove();
    }
  }, 60_000);
});
