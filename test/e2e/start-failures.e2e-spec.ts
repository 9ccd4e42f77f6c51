import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { childEnv } from '../support/child-env.js';
import { createKeyWithCli, freePort } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { makeUnwritable } from '../support/unwritable-path.js';

const PASSWORD = 's3cr3t-redis-pw';

/** Runs the built service until it exits, with everything it wrote, stdout and stderr, line by line. */
async function runToExit(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: childEnv({ HOST: '127.0.0.1', PORT: String(await freePort()), LOG_FORMAT: 'json', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, lines: output.split('\n').filter((line) => line !== '') };
}

describe('A start that fails', () => {
  // Redis unreachable does not stop a start: its URL, with a password, is there to be kept out of the line.
  const redisWithPassword = async () => `redis://keys:${PASSWORD}@127.0.0.1:${await freePort()}`;

  it.each([
    [
      'an events.sqlite that is not a database',
      (dir: string) => {
        writeFileSync(join(dir, 'events.sqlite'), Buffer.alloc(4096, 'garbage '));
        return dir;
      },
      /The event log .*events\.sqlite is corrupt \(file is not a database\)\. It is the source of truth/,
    ],
    [
      'a DATA_DIR that is a file',
      (dir: string) => {
        writeFileSync(join(dir, 'a-file'), 'not a directory');
        return join(dir, 'a-file');
      },
      /DATA_DIR \S*a-file is not a directory: it must name a directory/,
    ],
    [
      'an events.sqlite a newer version marked as needing a newer reader (a downgrade)',
      (dir: string) => {
        const db = new Database(join(dir, 'events.sqlite'));
        db.exec('CREATE TABLE log_readers (id INTEGER PRIMARY KEY CHECK (id = 1), oldest_reader INTEGER NOT NULL); INSERT INTO log_readers VALUES (1, 99)');
        db.close();
        return dir;
      },
      /The event log .*events\.sqlite was written by a newer version of the service: it needs a version that reads log format 99, and this one reads format 1/,
    ],
    // Before, Node's recursive mkdir looped there forever and the start hung.
    ['a DATA_DIR that cannot be made under a directory that exists', () => '/proc/parsesphere-keys/data', /ENOENT/],
  ])('%s: exit code 1 and one JSON fatal line, nothing else, no secret', async (_, prepare, reason) => {
    const dir = makeTempDir('start-failure');
    try {
      const { code, lines } = await runToExit({ DATA_DIR: prepare(dir.path), REDIS_URL: await redisWithPassword(), LOG_LEVEL: 'debug' });
      expect(code).toBe(1);
      // Every line is JSON: before, Nest's buffered start-up lines and its coloured stack came out as they were.
      const parsed = lines.map((line) => JSON.parse(line) as { level: string; msg: string; error: string });
      expect(parsed).toEqual([expect.objectContaining({ level: 'fatal', msg: 'cannot start', context: 'Main', error: expect.stringMatching(reason) })]);
      expect(lines.join('\n')).not.toContain(PASSWORD);
    } finally {
      dir.remove();
    }
  }, 30_000);
});

// Made unwritable for real as root too (makeUnwritable: chmod, or chattr +i as root), not by a stand-in for the check.
describe('A DATA_DIR the service cannot write', () => {
  it.each([
    // `list` there says that there is no log, which is true.
    [
      'the directory, empty',
      (dir: string) => dir,
      (dir: string) => `DATA_DIR ${dir} is not writable \\(E(ACCES|PERM)\\): the service makes and writes its files there`,
      [['create-key', '--account', 'acme']],
    ],
    [
      'events.sqlite of a store made before',
      (dir: string) => {
        createKeyWithCli(dir);
        return join(dir, 'events.sqlite');
      },
      (dir: string) => `${join(dir, 'events.sqlite')} is not writable \\(E(ACCES|PERM)\\): the service writes every file it keeps in DATA_DIR ${dir}`,
      [
        ['list', '--account', 'acme'],
        ['create-key', '--account', 'acme'],
      ],
    ],
  ])('%s: the start and the CLI end with one line naming it, exit code 1', async (_, prepare, reason, commands) => {
    const dir = makeTempDir('unwritable-data-dir');
    const restore = makeUnwritable(prepare(dir.path));
    try {
      const expected = new RegExp(reason(dir.path).replace(/[/.]/g, (c) => `\\${c}`));
      // Said a bare "unable to open database file" (the directory), or started on a log opened read-only (the file).
      const { code, lines } = await runToExit({ DATA_DIR: dir.path });
      expect(code).toBe(1);
      expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: 'fatal', msg: 'cannot start', error: expect.stringMatching(expected) })]);
      for (const args of commands) {
        const run = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: childEnv({ DATA_DIR: dir.path }) });
        expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 1, stdout: '' });
        expect(run.stderr.trim()).toMatch(new RegExp(`^error: ${expected.source}$`));
      }
    } finally {
      restore();
      dir.remove();
    }
  }, 30_000);
});

describe('An events.sqlite of 0 bytes (a copy never written, restored by mistake)', () => {
  // The CLI refused it; the service took it for a new, empty store, started ready, and answered every key as unknown.
  it('ends the start with one line, as the CLI does, and leaves the file as it is', async () => {
    const dir = makeTempDir('empty-log');
    try {
      writeFileSync(join(dir.path, 'events.sqlite'), '');
      const { code, lines } = await runToExit({ DATA_DIR: dir.path });
      expect(code).toBe(1);
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({
          level: 'fatal',
          msg: 'cannot start',
          error: `The event log ${join(dir.path, 'events.sqlite')} is empty (0 bytes): an incomplete copy? Restore it from a complete backup, or check DATA_DIR.`,
        }),
      ]);
      expect(readdirSync(dir.path)).toEqual(['events.sqlite']);
      expect(statSync(join(dir.path, 'events.sqlite')).size).toBe(0);
    } finally {
      dir.remove();
    }
  }, 30_000);
});
