import { EXIT } from './exit-codes.js';
import { buildProgram } from './program.js';
import { reportFailure } from './report-failure.js';

describe('the CLI help', () => {
  it("points backup's help to restore, and restore's help says what it refuses, keeps, removes and brings back", () => {
    const helpOf = (name: string) =>
      buildProgram()
        .commands.find((command) => command.name() === name)!
        .helpInformation()
        .replace(/\s+/g, ' ');
    expect(helpOf('backup')).toContain('Restore: stop every service and CLI, run restore <file>, start.');
    const restore = helpOf('restore');
    expect(restore).toContain('Refused while any service or CLI command has the log open.');
    expect(restore).toContain('the log it replaces is kept as events.sqlite.replaced-<time>');
    expect(restore).toContain('the read models are removed');
    expect(restore).toContain('<file>.deliveries.sqlite, when beside the backup, becomes the webhook position');
    expect(restore).toContain('--another-log');
  });

  it('says which commands print a sentence through a pipe, not the JSON the footer promised (backup | cat printed "Backed up ...")', () => {
    let text = '';
    const program = buildProgram().configureOutput({ writeOut: (chunk) => void (text += chunk) });
    program.outputHelp();
    expect(text.replace(/\s+/g, ' ')).toContain('replay, backup, restore and archive-usage print a sentence, pipe or not, and JSON with --json.');
  });

  it("does not promise that revoke is in force 'at once': a running service refuses the key at its next read of the log", () => {
    const help = buildProgram()
      .commands.find((command) => command.name() === 'revoke')!
      .helpInformation()
      .replace(/\s+/g, ' ');
    expect(help).not.toContain('at once');
    expect(help).toContain('running services refuse it once they read the log (within POLL_INTERVAL_MS)');
  });

  it('lists every exit code the CLI uses (75, try again later, was missing from --help: it said 0, 1, 2, 3 only)', () => {
    let text = '';
    const program = buildProgram().configureOutput({ writeOut: (chunk) => void (text += chunk) });
    program.outputHelp();
    const footer = /Exit codes: ([^\n]*)/.exec(text)?.[1] ?? '';
    const listed = [...footer.matchAll(/(\d+) [a-z]/g)].map((match) => Number(match[1]));
    expect(listed).toEqual(Object.values(EXIT));
    expect(footer).toContain('75 try again later (a store did not answer)');
  });

  it.each(['create-key', 'update', 'show'])("%s's help names the instants' rule, RFC 3339, as the API's (not ISO 8601, whose basic form it refuses)", (name) => {
    const help = buildProgram()
      .commands.find((command) => command.name() === name)!
      .helpInformation()
      .replace(/\s+/g, ' ');
    expect(help).not.toContain('ISO 8601');
    expect(help).toContain('(RFC 3339, e.g. 2026-01-31T12:00:00Z)');
  });
});

describe('webhook-send on the command line', () => {
  // The security audit of 2026-12-07: a malformed alert id, no alert id and no --test, or both, exited 1, the code of a
  // receiver that refused (or could not be reached): a script that retries on 1 retried a typo for ever. These are
  // usage errors (2, as every other command's), told before any setting or store is read.
  it.each([[['abc']], [[]], [['0123456789abcdef0123456789abcdef', '--test']], [['0123456789ABCDEF0123456789ABCDEF0']]])(
    'refuses webhook-send %j as a usage error (exit 2), before reading any setting',
    async (args) => {
      const program = buildProgram();
      const failure = await program.parseAsync(['webhook-send', ...args], { from: 'user' }).then(
        () => null,
        (error: unknown) => error,
      );
      const written: string[] = [];
      const write = process.stderr.write;
      process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
      try {
        expect(reportFailure(failure, 'parsesphere-keys webhook-send')).toBe(EXIT.usage);
      } finally {
        process.stderr.write = write;
      }
      expect(written).toEqual([expect.stringMatching(/^error: .*\(see parsesphere-keys webhook-send --help\)\n$/)]);
    },
  );
});
