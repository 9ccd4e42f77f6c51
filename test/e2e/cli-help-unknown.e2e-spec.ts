import { spawnSync } from 'node:child_process';
import { childEnv } from '../support/child-env.js';

describe('Operator CLI: help of a command that does not exist', () => {
  it('says the command is unknown in one line, exit 2, as the command alone does', () => {
    const help = spawnSync(process.execPath, ['dist/cli.js', 'help', 'nope'], { encoding: 'utf8', env: childEnv({ DATA_DIR: '/nonexistent' }) });
    // It was the whole program help on stderr, then "(outputHelp) (see parsesphere-keys --help)".
    expect([help.status, help.stdout, help.stderr]).toEqual([2, '', "error: unknown command 'nope' (see parsesphere-keys --help)\n"]);
  });
});
