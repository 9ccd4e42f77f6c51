import { CommanderError, type Command } from 'commander';

/**
 * Commander checks a command's required options before its unknown ones, so a misspelt required option
 * (`list --acount acme`) was reported as "required option '--account <account-id>' not specified", naming the option
 * the operator believes they gave. When the command line holds an option the command does not know, that is the
 * mistake to report: the error commander would have given for it, the required option aside.
 */
export function unknownOptionFirst(error: unknown, command: Command | undefined, args: readonly string[]): unknown {
  if (!(error instanceof CommanderError) || error.code !== 'commander.missingMandatoryOptionValue' || command === undefined) return error;
  const unknown = command.parseOptions([...args]).unknown.find((arg) => arg.startsWith('-'));
  return unknown === undefined ? error : new CommanderError(1, 'commander.unknownOption', `error: unknown option '${unknown}'`);
}
