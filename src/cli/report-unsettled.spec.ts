import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** In a process of its own, from the built module: what the process exits with is the point. */
const run = (body: string) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', `const { reportIfUnsettled } = await import(${JSON.stringify(pathToFileURL(join(process.cwd(), 'dist/cli/report-unsettled.js')).href)});\n${body}`], {
    encoding: 'utf8',
  });

describe('reportIfUnsettled', () => {
  it('says so and exits 1 when the command can never settle (Node would exit 13 and say nothing)', () => {
    const out = run(`const guard = reportIfUnsettled('keys'); await new Promise(() => undefined); guard.settled();`);
    expect([out.status, out.stderr]).toEqual([1, expect.stringMatching(/^error: keys stopped before it finished/)]);
  });

  it('changes nothing once settled', () => {
    const out = run(`const guard = reportIfUnsettled('keys'); process.exitCode = 3; guard.settled();`);
    expect([out.status, out.stderr]).toEqual([3, '']);
  });
});
