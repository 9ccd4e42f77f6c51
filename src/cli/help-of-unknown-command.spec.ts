import { buildProgram } from './program.js';
import { helpOfUnknownCommand } from './help-of-unknown-command.js';

describe('help of a command that does not exist', () => {
  it('is an unknown command, as the command alone is', () => {
    expect(helpOfUnknownCommand(buildProgram(), ['help', 'nope'])?.message).toBe("error: unknown command 'nope'");
    expect(helpOfUnknownCommand(buildProgram(), ['help', 'nope'])?.exitCode).toBe(2);
  });

  it('leaves help, help of a command and other commands to commander', () => {
    for (const argv of [['help'], ['help', 'list'], ['help', '--help'], ['list', 'nope'], []]) expect(helpOfUnknownCommand(buildProgram(), argv)).toBeNull();
  });
});
