import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** In a process of its own, from the built module: what the process exits with is the point. */
const run = (body: string) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', `const { reportIfUnsettled } = await import(${JSON.stringify(pathToFileURL(join(process.cwd(), 'dist/cli/report-unsettled.js')).href)});\n${body}`], {
    encoding: 'utf8',
  });

describe('reportIfUnsettled', () => {
  it('says so and exits 1 when the command can never settle (Node would exit 0 or 13 and say nothing)', () => {
    const out = run(`const guard = reportIfUnsettled('keys'); void new Promise(() => undefined).then(() => guard.settled());`);
    expect([out.status, out.stderr]).toEqual([1, expect.stringMatching(/^error: keys stopped before it finished/)]);
  });

  // Node 22 writes "Warning: Detected unsettled top-level await" and the source line before the CLI's own line (seen
  // running this suite on 22.23.5); Node 20 says nothing. The entry waits on its command by a promise chain instead.
  it("is what the CLI's entry relies on: it has no top-level await", () => {
    const entry = readFileSync(join(process.cwd(), 'src/cli.ts'), 'utf8');
    expect(entry.split('\n').filter((line) => /^(?!\/\/)\S.*\bawait\b/.test(line))).toEqual([]);
  });

  // It said "a store's connection never closed" when it was stdout that never finished (a write never called back).
  it('says what it waited on: stdout when a write of what must be printed never finished, otherwise no store in particular', () => {
    const output = pathToFileURL(join(process.cwd(), 'dist/cli/output.js')).href;
    const stalled = run(
      `const { printOrFail } = await import(${JSON.stringify(output)}); process.stdout.write = () => true;\n` +
        `const guard = reportIfUnsettled('keys'); void printOrFail('sk_secret\\n').then(() => guard.settled());`,
    );
    expect([stalled.status, stalled.stderr]).toEqual([
      1,
      'error: keys stopped before it finished (stdout never finished taking what it was given); what it printed stands, what it did not print is unknown\n',
    ]);
    const waiting = run(`const guard = reportIfUnsettled('keys'); void new Promise(() => undefined).then(() => guard.settled());`);
    expect(waiting.stderr).toBe(
      "error: keys stopped before it finished (something it waited on never finished, such as a store's connection closing); what it printed stands, what it did not print is unknown\n",
    );
  });

  it('changes nothing once settled', () => {
    const out = run(`const guard = reportIfUnsettled('keys'); process.exitCode = 3; guard.settled();`);
    expect([out.status, out.stderr]).toEqual([3, '']);
  });
});
