import { CommanderError, type Command } from 'commander';

/**
 * `help <command>` naming no command: commander printed the whole program help on stderr and then threw its
 * placeholder message, which the CLI printed as "(outputHelp) (see parsesphere-keys --help)". It is the mistake
 * `<command>` alone gets: an unknown command.
 */
export function helpOfUnknownCommand(program: Command, argv: readonly string[]): CommanderError | null {
  if (argv[0] !== 'help' || argv[1] === undefined || argv[1].startsWith('-')) return null;
  if (program.commands.some((command) => command.name() === argv[1])) return null;
  return new CommanderError(2, 'commander.unknownCommand', `error: unknown command '${argv[1]}'`);
}
