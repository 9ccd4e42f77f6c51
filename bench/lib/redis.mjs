// A redis-server of the benchmark's own on loopback (no persistence), or the one REDIS_URL names.
import { spawn } from 'node:child_process';
import { freePort, HOST } from './common.mjs';

/** Resolves once it accepts connections; stop() ends it (a no-op for REDIS_URL's). Killed with this process at the latest. */
export async function startRedis() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => undefined };
  const port = await freePort();
  const child = spawn('redis-server', ['--bind', HOST, '--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killOnExit = () => child.exitCode === null && child.kill('SIGKILL');
  process.on('exit', killOnExit);
  await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.on('exit', () => reject(new Error(`redis-server exited:\n${output}`)));
  });
  return { url: `redis://${HOST}:${port}`, stop: async () => child.kill('SIGTERM') };
}
