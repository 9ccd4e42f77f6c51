import { spawnSync } from 'node:child_process';
import { childEnv } from '../support/child-env.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('Operator CLI: an option that takes a value, given twice', () => {
  it('is a usage error, before any store is opened, where the last value silently won', () => {
    const dir = makeTempDir('cli-repeated');
    try {
      const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dir.path }) });
      const revoke = cli('revoke', '9abbd945-b278-4fc0-bf87-001a134ebf3c', '--account', 'acme', '--account', 'globex');
      expect([revoke.status, revoke.stderr]).toEqual([2, "error: option '--account <account-id>' given twice: give it once (see parsesphere-keys revoke --help)\n"]);
      const create = cli('create-key', '--account', 'acme', '--permissions', 'keys:read', '--permissions', 'parses:read');
      expect([create.status, create.stdout, create.stderr]).toEqual([2, '', "error: option '--permissions <list>' given twice: give it once (see parsesphere-keys create-key --help)\n"]);
    } finally {
      dir.remove();
    }
  });
});
