import { spawnSync } from 'node:child_process';
import { childEnv } from '../support/child-env.js';
import { makeTempDir } from '../support/temp-dir.js';

// `parsesphere-keys -- list --account x` (yarn 1 passes its `--` on; `npm run cli -- -- list` doubles npm's) answered
// "required option '--account <account-id>' not specified": commander read everything after `--` as plain arguments.
describe('Operator CLI: a -- before the command', () => {
  it('is dropped: the command and its options are read as without it', () => {
    const dir = makeTempDir('cli-separator');
    try {
      const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dir.path }) });
      const created = cli('--', 'create-key', '--account', 'acme', '--name', 'after a separator', '--json');
      expect([created.status, created.stderr]).toEqual([0, expect.stringContaining('account acme had no keys')]);
      const { id } = JSON.parse(created.stdout) as { id: string };
      const listed = cli('--', 'list', '--account', 'acme', '--json');
      expect([listed.status, listed.stderr]).toEqual([0, '']);
      expect(listed.stdout).toContain(id);
      // A separator alone is no command.
      const alone = cli('--');
      expect([alone.status, alone.stderr]).toEqual([2, 'error: no command given (see parsesphere-keys --help)\n']);
      // Only one: a second is an argument, as after git's.
      expect(cli('--', '--', 'list', '--account', 'acme').status).not.toBe(0);
    } finally {
      dir.remove();
    }
  });
});
