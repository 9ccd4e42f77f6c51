import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The file URL of a module built under dist/: jest runs from the repository, where the global setup has built it. */
export function builtModuleUrl(pathUnderDist: string): string {
  return pathToFileURL(join(process.cwd(), 'dist', pathUnderDist)).href;
}

/** Runs `code` as an ES module in a node process of its own, from the repository, and answers what it wrote to stdout. */
export function runModuleProcess(code: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', fail);
    child.on('close', () => done(out));
  });
}
