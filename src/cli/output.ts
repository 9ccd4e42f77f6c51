import { Option, type Command } from 'commander';

export type OutputFormat = 'table' | 'json';

/**
 * Adds --json and --table to a command that prints data. Without either, a terminal gets a table and a pipe
 * or a file gets JSON: scripts written against the JSON the commands always printed keep working unchanged.
 */
export function withOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('--json', 'print JSON (the default when stdout is not a terminal)').conflicts('table'))
    .addOption(new Option('--table', 'print a table for people (the default on a terminal)'));
}

export function outputFormat(options: { json?: boolean; table?: boolean }, stdout: { isTTY?: boolean } = process.stdout): OutputFormat {
  if (options.json) return 'json';
  if (options.table) return 'table';
  return stdout.isTTY ? 'table' : 'json';
}

export function print(text: string): void {
  process.stdout.write(text);
}

/** One JSON document, indented: for a single object or a page. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One JSON object per line: for a stream of records (history, alerts) that a script reads line by line. */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Notes for the person at the terminal (paging hints, progress): stderr, so stdout stays the data. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}
