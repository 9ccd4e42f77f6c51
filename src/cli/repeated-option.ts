import { CommanderError, type Command } from 'commander';

/**
 * An option that takes a value, given twice (`revoke <id> --account acme --account globex`, `--permissions keys:read
 * --permissions parses:read`): commander keeps the last value and drops the first without a word, so the command
 * acted in another account than the first named, or gave a key fewer permissions or addresses than listed. Refused
 * as a usage error, as the options that conflict are. Switches (--json, --all) given twice say the same twice.
 */
export function repeatedOption(command: Command | undefined, args: readonly string[]): CommanderError | null {
  if (command === undefined) return null;
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const [name, inline] = arg.split(/=(.*)/s, 2);
    const option = command.options.find((candidate) => candidate.long === name);
    if (option === undefined || !option.required) continue;
    if (seen.has(name)) return new CommanderError(2, 'cli.repeatedOption', `error: option '${option.flags}' given twice: give it once`);
    seen.add(name);
    // Its value is the next argument, whatever it looks like (--name --table names the key "--table").
    if (inline === undefined) i++;
  }
  return null;
}
