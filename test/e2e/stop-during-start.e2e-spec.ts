import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { seedEmbeddedLog } from '../support/seed-log.js';
import { freePort, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'whsec_e2e_stop_during_start_0123456789';
/** The bound on waiting for a start under way (graceful-shutdown.ts START_MS), and slack for a busy machine. */
const START_MS = 9_000;
const SLACK_MS = 3_000;

interface StoppedStart {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: { level?: string; msg?: string; time?: string }[];
  stderr: string;
  stoppedAt: number;
  stopMs: number;
}

/**
 * Starts the service on `dataDir` paused at `step` of its start (test/support/pause-start.mjs), sends SIGTERM once
 * it is paused there, and answers how it ended: the start goes on a moment after the stop began.
 */
async function stopDuringStart(dataDir: string, step: string, env: Record<string, string>): Promise<StoppedStart> {
  const child = spawn(process.execPath, ['--import', './test/support/pause-start.mjs', 'dist/main.js'], {
    env: childEnv({ ...env, DATA_DIR: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'log', PAUSE_START_AT: step }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    await eventually(() => expect(stderr).toContain(`paused at ${step}`), 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const stoppedAt = Date.now();
  child.kill('SIGTERM');
  const { code, signal } = await exited;
  const lines = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level?: string; msg?: string; time?: string });
  return { code, signal, lines, stderr, stoppedAt, stopMs: Date.now() - stoppedAt };
}

function leaseOf(dataDir: string): { holder: string; until_ms: number } | undefined {
  const db = new Database(join(dataDir, 'deliveries.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT holder, until_ms FROM delivery_leases WHERE name = ?').get('alert-webhook') as { holder: string; until_ms: number } | undefined;
  } finally {
    db.close();
  }
}

describe('a SIGTERM while the service is still starting (Kubernetes stopping a pod that is not ready)', () => {
  const dir = makeTempDir('stop-during-start');
  let receiver: WebhookReceiver;
  let env: Record<string, string>;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start(SECRET);
    env = { ALERT_WEBHOOK_URL: receiver.url, ALERT_WEBHOOK_SECRET: SECRET, AUTH_FAILURE_LIMIT: '1000' };
    // An alert the receiver refused, waiting in the log for the next start; then ~50,000 events for that start to catch up with.
    receiver.failNext(1000, 500);
    const service = await startServiceProcess({ ...env, DATA_DIR: dir.path });
    try {
      for (let i = 0; i < 20; i++) {
        await fetch(`${service.url}/v1/api-keys`, { headers: { authorization: `Bearer sk_live_${'x'.repeat(20)}${i}` } });
      }
      await eventually(() => expect(receiver.requests.length).toBeGreaterThanOrEqual(1), 10_000);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    await seedEmbeddedLog(dir.path, 20_000);
    receiver.failNext(0);
    receiver.requests.length = 0;
  }, 90_000);

  afterAll(async () => {
    await receiver.close();
    dir.remove();
  });

  beforeEach(() => {
    receiver.requests.length = 0;
  });

  // Before Nest's init (no hook run yet); once the modules are initialised, before the projections open; while the
  // key table catches up with the log before the service may serve (every projection started, the webhook among them).
  it.each(['init', 'projections', 'catch-up'])(
    'at %s: the start ends there, nothing more starts, nothing is sent, no warning, the lease is free, and the process ends by the signal',
    async (step) => {
      const copy = makeTempDir(`stop-during-start-${step}`);
      try {
        cpSync(dir.path, copy.path, { recursive: true });
        const stopped = await stopDuringStart(copy.path, step, env);
        expect(stopped.stderr.trim()).toBe(`paused at ${step}`);
        expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: null, signal: 'SIGTERM' });
        expect(stopped.lines.filter((line) => line.level !== 'info')).toEqual([]);
        // At catch-up the alert the receiver refused before may go out first: its delivery counts the attempts the
        // earlier run made (kept in the checkpoint store), so it is said to have gone through after failures.
        const sent = /^Alert \w+ delivered on attempt \d+$/;
        expect(stopped.lines.map((line) => line.msg).filter((msg) => step !== 'catch-up' || !sent.test(msg ?? ''))).toEqual(['stopping', 'stopped']);
        const stoppingAt = Date.parse(stopped.lines[0].time ?? '');
        // At catch-up the webhook may have sent the alert before the signal was handled; nothing goes out after `stopping`.
        expect(receiver.requests.filter((request) => request.receivedAt >= stoppingAt).map((request) => request.receivedAt - stoppingAt)).toEqual([]);
        if (step !== 'catch-up') expect(receiver.requests).toEqual([]);
        const lease = leaseOf(copy.path);
        if (lease) expect(lease.until_ms).toBeLessThanOrEqual(Date.now());
        expect(stopped.stopMs).toBeLessThan(START_MS + SLACK_MS);
      } finally {
        copy.remove();
      }
    },
    60_000,
  );

  it('the alert waiting in the log goes out at the next start, once', async () => {
    const service = await startServiceProcess({ ...env, DATA_DIR: dir.path });
    try {
      await eventually(() => expect(receiver.accepted()).toHaveLength(1), 20_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.requests).toHaveLength(1);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  }, 60_000);
});
