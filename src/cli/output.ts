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

let readerGone = false;
let stdoutFailure: NodeJS.ErrnoException | null = null;

/**
 * A reader that stops early (`| head -1`) closes the pipe, and the next write fails with EPIPE: unhandled, that
 * ended the command with a stack and code 1. It is no failure: what is left to print goes nowhere, a command
 * that streams stops reading (readerGone), and the command ends as it would have, code 0 when it did its work.
 * Any other failure (a full disk: ENOSPC) is kept for the command's end (stdoutFailed), never thrown from the
 * stream: thrown there it was a raw stack, after which the command seemed to stop on a connection never closed.
 */
export function endQuietlyWhenStdoutCloses(stdout: NodeJS.WritableStream = process.stdout): void {
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') readerGone = true;
    else stdoutFailure ??= error;
  });
}

/** Whether stdout's reader has gone away: nothing printed from now on is read. */
export function stdoutReaderGone(): boolean {
  return readerGone;
}

/**
 * Between the pages of a command that prints as it reads (`history`, `alerts`): gives the event loop a turn, so that a
 * reader gone (EPIPE) is noticed, and waits while stdout holds more than its buffer, until its reader takes it (or is
 * gone, or stdout failed). The embedded log answers a read at once, so without it the pages followed one another in
 * one run of promise callbacks: until 2026-12-07 `history --direction newest_first | head -1` of a key with 308,000
 * uses read and buffered every page (its first line after 3 s, its end after 18 s more) and only then saw the pipe
 * closed, and a reader slower than the log (`| less`) had the whole history held in memory for it.
 */
export async function stdoutCaughtUp(stdout: NodeJS.WriteStream = process.stdout): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (readerGone || stdoutFailure || stdout.destroyed || !stdout.writableNeedDrain) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      for (const event of ['drain', 'error', 'close'] as const) stdout.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'error', 'close'] as const) stdout.once(event, done);
  });
}

/** The failure to write to stdout (other than its reader gone), if one happened. */
export function stdoutFailed(): NodeJS.ErrnoException | null {
  return stdoutFailure;
}

/**
 * Prints what must reach the reader (a new key's secret, shown only this once) and resolves once it is written;
 * rejects when it cannot be (the reader gone, a full disk).
 */
export function printOrFail(text: string): Promise<void> {
  if (readerGone) return Promise.reject(Object.assign(new Error('stdout was closed by its reader'), { code: 'EPIPE' }));
  if (stdoutFailure) return Promise.reject(stdoutFailure);
  writesPending += 1;
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => {
      writesPending -= 1;
      if (error) reject(error);
      else resolve();
    }),
  );
}

let writesPending = 0;

/** How many printOrFail writes stdout has not yet said are written (or failed): a command waiting on one waits on stdout. */
export function stdoutWritesPending(): number {
  return writesPending;
}

export function print(text: string): void {
  if (!readerGone) process.stdout.write(text);
}

/**
 * What JSON.stringify leaves raw but a terminal acts on: DEL, the C1 controls (U+009B is a CSI to a terminal that takes
 * C1 controls), the bidirectional controls (they reorder what is read) and the line and paragraph separators. Values
 * come from the log, some from clients (a user agent, a scanner's report URL); the tables show them as \uXXXX (table.ts).
 */
const RAW_IN_JSON = /[\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/** JSON text with RAW_IN_JSON escaped as \uXXXX: the same JSON value, nothing a terminal acts on. */
function terminalSafeJson(value: unknown, indent?: number): string {
  return String(JSON.stringify(value, null, indent)).replace(RAW_IN_JSON, (character) => `\\u${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** One JSON document, indented: for a single object or a page. */
export function printJson(value: unknown): void {
  print(`${terminalSafeJson(value, 2)}\n`);
}

/**
 * One JSON document `{"<field>": [...], ...after}` printed as it comes, the array's items one call at a time, the same
 * text as printJson of the whole document: a listing of every page (`list --all`) streams its keys without holding them.
 */
export function printJsonList(field: string): { item(value: unknown): void; end(after: Record<string, unknown>): void } {
  let items = 0;
  const indented = (value: unknown, by: string) => terminalSafeJson(value, 2).replaceAll('\n', `\n${by}`);
  print(`{\n  ${JSON.stringify(field)}: [`);
  return {
    item(value) {
      print(`${items++ === 0 ? '' : ','}\n    ${indented(value, '    ')}`);
    },
    end(after) {
      const rest = Object.entries(after).map(([name, value]) => `,\n  ${JSON.stringify(name)}: ${indented(value, '  ')}`);
      print(`${items === 0 ? '' : '\n  '}]${rest.join('')}\n}\n`);
    },
  };
}

/** One JSON object per line: for a stream of records (history, alerts) that a script reads line by line. */
export function printJsonLine(value: unknown): void {
  print(`${terminalSafeJson(value)}\n`);
}

/** Notes for the person at the terminal (paging hints, progress): stderr, so stdout stays the data. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}
