#!/usr/bin/env node
import 'reflect-metadata';
import { EXIT } from './cli/exit-codes.js';
import { endQuietlyWhenStdoutCloses, stdoutFailed } from './cli/output.js';
import { buildProgram, CLI_NAME } from './cli/program.js';
import { reportFailure } from './cli/report-failure.js';
import { reportIfUnsettled } from './cli/report-unsettled.js';
import { repeatedOption } from './cli/repeated-option.js';
import { helpOfUnknownCommand } from './cli/help-of-unknown-command.js';
import { unknownOptionFirst } from './cli/unknown-option-first.js';
import { withOptionsNpmTook } from './cli/options-npm-took.js';
import { withoutLeadingSeparator } from './cli/leading-separator.js';

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    process.stderr.write(`error: no command given (see ${CLI_NAME} --help)\n`);
    return EXIT.usage;
  }
  const program = buildProgram();
  // Mistakes point to the help of the command they were made in.
  const command = program.commands.find((candidate) => candidate.name() === argv[0]);
  try {
    const mistake = helpOfUnknownCommand(program, argv) ?? repeatedOption(command, argv.slice(1));
    if (mistake) throw mistake;
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    const mistake = withOptionsNpmTook(unknownOptionFirst(error, command, argv.slice(1)), command, process.env);
    return reportFailure(mistake, command ? `${CLI_NAME} ${command.name()}` : CLI_NAME);
  }
}

endQuietlyWhenStdoutCloses();
const unsettled = reportIfUnsettled(CLI_NAME);
// A promise chain, not a top-level await: a command that can never settle then ends with reportIfUnsettled's line
// alone, where Node 22 wrote "Warning: Detected unsettled top-level await at …dist/cli.js:30" and the source line first.
void main(withoutLeadingSeparator(process.argv.slice(2))).then((code) => {
  process.exitCode = code;
  const stdoutFailure = stdoutFailed();
  if (stdoutFailure && code === EXIT.ok) {
    // Said once here, not by the stream: the command's work is done, what it printed is not all there.
    process.stderr.write(`error: could not write to stdout (${stdoutFailure.code ?? stdoutFailure.message}): the output is incomplete\n`);
    process.exitCode = EXIT.failure;
  }
  unsettled.settled();
});
