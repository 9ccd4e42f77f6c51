import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from '../support/child-env.js';
import { seedEmbeddedLog } from '../support/seed-log.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * Ctrl-C or SIGTERM while restore copies the backup: Node's default handling ended the process in the copy, and its
 * partial copy (events.sqlite.restoring-<pid>.partial-<pid>, as large as the log, and its journal) stayed in DATA_DIR,
 * another at each run stopped so. Like backup, it takes effect once the copy is written, which is then removed.
 */
describe('CLI restore stopped by a signal', () => {
  it('stopped by SIGTERM while it copies, leaves DATA_DIR as it was: no partial copy, no log put in place', async () => {
    const dir = makeTempDir('restore-stopped');
    const source = join(dir.path, 'source');
    const dataDir = join(dir.path, 'data');
    mkdirSync(source);
    mkdirSync(dataDir);
    try {
      await seedEmbeddedLog(source, 40_000);
      const backup = join(dir.path, 'copy.sqlite');
      expect(spawnSync(process.execPath, ['dist/cli.js', 'backup', backup], { env: childEnv({ DATA_DIR: source }) }).status).toBe(0);
      const child = spawn(process.execPath, ['dist/cli.js', 'restore', backup], { env: childEnv({ DATA_DIR: dataDir }) });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Stopped as soon as the copy has begun to be written.
      while (!readdirSync(dataDir).some((file) => file.includes('.restoring-'))) await new Promise((resolve) => setTimeout(resolve, 2));
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
      expect(stderr).toBe('error: restore stopped by SIGTERM: nothing was changed (the partial copy was removed)\n');
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      dir.remove();
    }
  }, 60_000);
});
