import { spawn } from 'node:child_process';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { childEnv } from '../support/child-env.js';
import { eventually } from '../support/eventually.js';
import { startTestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * The receiver's audit of 2026-12-07: a receiver had no way to get a past alert again (GitHub and Stripe redeliver one
 * on request) nor to check its endpoint before a real anomaly (GitHub's ping, Stripe's test events): it had to raise
 * one, e.g. 20 failed authentications. `webhook-send <alert id>` and `webhook-send --test` do both.
 */
describe('webhook-send (CLI)', () => {
  it('sends a past alert again with the same id and body, freshly signed, and a test event; exit 1 when the receiver refuses', async () => {
    const secret = 'whsec_webhook_send_e2e_0123456789';
    const receiver = await WebhookReceiver.start(secret);
    const hook = `${receiver.url}/hooks?token=in-the-url`;
    const t = await startTestApp({ env: { ALERT_WEBHOOK_URL: hook, ALERT_WEBHOOK_SECRET: secret, AUTH_FAILURE_LIMIT: 1000 } });
    // Not spawnSync: the receiver answers from this process, whose event loop must go on meanwhile.
    const cli = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['dist/cli.js', 'webhook-send', ...args], {
          env: childEnv({ DATA_DIR: t.dataDir, ALERT_WEBHOOK_URL: hook, ALERT_WEBHOOK_SECRET: secret }),
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    try {
      for (let i = 0; i < 20; i++) {
        await request(t.http).get('/v1/api-keys').set(bearer(`sk_guess${String(i).padStart(33, '0')}`)).expect(401);
      }
      await flushUsage(t);
      await eventually(() => expect(receiver.accepted()).toHaveLength(1), 10_000);
      const [first] = receiver.accepted();

      const again = await cli(first.id as string);
      expect([again.status, again.stderr]).toEqual([0, '']);
      expect(again.stdout).toMatch(new RegExp(`^Alert ${first.id} delivered: the receiver answered HTTP 200 after \\d+ ms\\.\\n$`));
      const resent = receiver.requests[1];
      expect(resent.signatureValid).toBe(true);
      expect(resent.rawBody).toBe(first.rawBody);
      expect(resent.headers['idempotency-key']).toBe(first.id);
      expect(resent.headers['user-agent']).toBe(first.headers['user-agent']);
      // The service's delivery says its attempt; a resend by hand is none of its attempts.
      expect([first.headers['parsesphere-webhook-attempt'], resent.headers['parsesphere-webhook-attempt']]).toEqual(['1', undefined]);

      const test = await cli('--test');
      expect(test.status).toBe(0);
      const ping = receiver.requests[2];
      expect(ping.signatureValid).toBe(true);
      expect(JSON.parse(ping.rawBody)).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), type: 'webhook.test', schema_version: 1, created_at: expect.any(String), data: {} });
      expect(ping.id).not.toBe(first.id);
      expect(test.stdout).toBe(`Test event ${ping.id} delivered: ${test.stdout.split(': ')[1]}`);

      receiver.failNext(1, 500);
      const refused = await cli(first.id as string);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(`Alert ${first.id} not delivered: the receiver answered HTTP 500`);
      expect(refused.stderr + refused.stdout).not.toContain('in-the-url');
      expect(refused.stderr + refused.stdout).not.toContain(secret);

      const unknown = await cli('0123456789abcdef0123456789abcdef');
      expect([unknown.status, unknown.stderr]).toEqual([1, 'error: No alert 0123456789abcdef0123456789abcdef in the log\n']);
      // Usage errors (exit 2), not the receiver's refusal (exit 1): until 2026-12-07 both were 1.
      expect((await cli()).status).toBe(2);
      expect((await cli(first.id as string, '--test')).status).toBe(2);
      expect((await cli('abc')).status).toBe(2);
      // The service's own delivery is untouched: it sent the alert once.
      expect(receiver.requests.filter((r) => r.id === first.id)).toHaveLength(3);
    } finally {
      await t.destroy();
      await receiver.close();
    }
  });

  it('signs with ALERT_WEBHOOK_SECRET_PREVIOUS too during a rotation: a receiver still on the old secret accepts', async () => {
    const old = 'whsec_webhook_send_old_0123456789';
    const receiver = await WebhookReceiver.start(old);
    // The CLI opens the log before it sends: one with a key in it.
    const t = await startTestApp();
    await t.bootstrapKey('acme');
    await t.close();
    const send = (env: Record<string, string>) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['dist/cli.js', 'webhook-send', '--test'], {
          env: childEnv({ DATA_DIR: t.dataDir, ALERT_WEBHOOK_URL: `${receiver.url}/hooks`, ...env }),
          stdio: 'ignore',
        });
        child.on('error', reject);
        child.on('close', resolve);
      });
    try {
      const next = 'whsec_webhook_send_new_0123456789';
      expect(await send({ ALERT_WEBHOOK_SECRET: next })).toBe(1);
      expect(await send({ ALERT_WEBHOOK_SECRET: next, ALERT_WEBHOOK_SECRET_PREVIOUS: old })).toBe(0);
      expect(receiver.requests.map((r) => r.signatureValid)).toEqual([false, true]);
      expect(String(receiver.requests[1].headers['parsesphere-signature']).match(/v1=/g)).toHaveLength(2);
    } finally {
      await t.destroy();
      await receiver.close();
    }
  });
});
