import { buildProgram } from './program.js';
import { repeatedOption } from './repeated-option.js';

const command = (name: string) => buildProgram().commands.find((candidate) => candidate.name() === name);

describe('an option given twice', () => {
  it('is refused when it takes a value: the first value was dropped without a word', () => {
    const id = '9abbd945-b278-4fc0-bf87-001a134ebf3c';
    expect(repeatedOption(command('revoke'), [id, '--account', 'acme', '--account', 'globex'])?.message).toBe(
      "error: option '--account <account-id>' given twice: give it once",
    );
    expect(repeatedOption(command('create-key'), ['--account=acme', '--permissions', 'keys:read', '--permissions=parses:read'])?.message).toBe(
      "error: option '--permissions <list>' given twice: give it once",
    );
    expect(repeatedOption(command('create-key'), ['--account', 'acme', '--account', 'acme'])?.exitCode).toBe(2);
  });

  it('is not when a value looks like the option, after --, for a switch, or once each', () => {
    expect(repeatedOption(command('create-key'), ['--account', 'acme', '--name', '--account'])).toBeNull();
    expect(repeatedOption(command('history'), ['x', '--account', 'acme', '--', '--account', 'b'])).toBeNull();
    expect(repeatedOption(command('list'), ['--account', 'acme', '--all', '--all', '--json', '--json'])).toBeNull();
    expect(repeatedOption(command('update'), ['x', '--name', 'a', '--rate-limit', '1/1', '--permissions', '*', '--allowed-ips', '', '--if-match', '0'])).toBeNull();
    expect(repeatedOption(undefined, ['--account', 'a', '--account', 'b'])).toBeNull();
  });
});
