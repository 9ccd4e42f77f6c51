import { buildProgram } from './program.js';

describe('the CLI help', () => {
  it("gives backup's whole restore procedure: a WAL or read models left beside the copy would corrupt it or outlive it", () => {
    const help = buildProgram()
      .commands.find((command) => command.name() === 'backup')!
      .helpInformation()
      .replace(/\s+/g, ' ');
    expect(help).toContain('stop every service and CLI');
    expect(help).toContain('remove events.sqlite-wal and events.sqlite-shm');
    expect(help).toContain('every read-model*.sqlite file');
    expect(help).toContain('<file>.deliveries.sqlite as deliveries.sqlite');
  });

  it('says which commands print a sentence through a pipe, not the JSON the footer promised (backup | cat printed "Backed up ...")', () => {
    let text = '';
    const program = buildProgram().configureOutput({ writeOut: (chunk) => void (text += chunk) });
    program.outputHelp();
    expect(text.replace(/\s+/g, ' ')).toContain('replay, backup and archive-usage print a sentence, pipe or not, and JSON with --json.');
  });

  it("does not promise that revoke is in force 'at once': a running service refuses the key at its next read of the log", () => {
    const help = buildProgram()
      .commands.find((command) => command.name() === 'revoke')!
      .helpInformation()
      .replace(/\s+/g, ' ');
    expect(help).not.toContain('at once');
    expect(help).toContain('running services refuse it once they read the log (within POLL_INTERVAL_MS)');
  });
});
