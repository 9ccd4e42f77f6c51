import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from '../support/child-env.js';
import { makeTempDir } from '../support/temp-dir.js';

/** The packages of node_modules a CLI run loaded, each once, in the order first loaded. */
function packagesLoaded(args: string[], dataDir: string): { status: number | null; packages: string[] } {
  const file = join(dataDir, `loaded-${args.join('-')}.txt`);
  const cli = spawnSync(process.execPath, ['--import', './test/support/record-module-loads.mjs', 'dist/cli.js', ...args], {
    encoding: 'utf8',
    env: childEnv({ DATA_DIR: dataDir, LOADED_MODULES_FILE: file }),
  });
  const urls = readFileSync(file, 'utf8').trim().split('\n');
  const packages = urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []);
  return { status: cli.status, packages: [...new Set(packages)] };
}

const HEAVY = ['@nestjs/core', '@nestjs/common', '@nestjs/swagger', 'class-validator', 'mongodb', 'better-sqlite3'];

/**
 * `--help` and a usage error answer from the command line alone: the commands' modules load only once it is read.
 * A light module of the CLI once imported a list query's messages from a file that loads Nest, class-validator and
 * swagger: every --help and every mistyped option loaded the whole service (0.7-1.0 s, now 0.2 s).
 */
describe('Operator CLI: what --help and a usage error load', () => {
  const dir = makeTempDir('cli-modules-loaded');
  afterAll(() => dir.remove());

  it.each([[['--help']], [['list', '--help']], [['list', '--acount', 'acme']], [['revoke', 'not-a-uuid']]])('%j loads neither Nest nor a store', (args) => {
    const { status, packages } = packagesLoaded(args, dir.path);
    expect(status).not.toBeNull();
    expect(packages).toContain('commander');
    expect(packages.filter((name) => HEAVY.includes(name))).toEqual([]);
  });

  it('a command that runs loads them (what the check above would see)', () => {
    const { status, packages } = packagesLoaded(['create-key', '--account', 'acme'], dir.path);
    expect(status).toBe(0);
    expect(packages).toEqual(expect.arrayContaining(['@nestjs/core', 'better-sqlite3']));
  });
});
