import { eventually } from '../support/eventually.js';
import { type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'whsec_e2e_alert_webhook_at_stop_0123456789';

interface Setup {
  receiver: WebhookReceiver;
  env: Record<string, string>;
  service: ServiceProcess;
}

/**
 * A service whose webhook receiver refuses everything (500) has sent its first attempt of one alert (unknown keys
 * from one address: failed_auth_burst); `run` stops it and starts it again; everything is cleaned up after.
 */
async function withOneFailingDelivery(run: (setup: Setup, restart: () => Promise<ServiceProcess>) => Promise<void>): Promise<void> {
  const dir = makeTempDir('webhook-at-stop');
  const receiver = await WebhookReceiver.start(SECRET);
  receiver.failNext(1000, 500);
  const env = { DATA_DIR: dir.path, ALERT_WEBHOOK_URL: receiver.url, ALERT_WEBHOOK_SECRET: SECRET, AUTH_FAILURE_LIMIT: '1000' };
  const started: ServiceProcess[] = [await startServiceProcess(env)];
  try {
    for (let i = 0; i < 20; i++) {
      await fetch(`${started[0].url}/v1/api-keys`, { headers: { authorization: `Bearer sk_live_${'x'.repeat(20)}${i}` } });
    }
    await eventually(() => expect(receiver.requests.length).toBeGreaterThanOrEqual(1), 10_000);
    await run({ receiver, env, service: started[0] }, async () => {
      started.push(await startServiceProcess(env));
      return started[started.length - 1];
    });
  } finally {
    for (const service of started) service.child.kill('SIGKILL');
    await receiver.close();
    dir.remove();
  }
}

const deliveredOnce = (receiver: WebhookReceiver) => expect(receiver.accepted().map((request) => request.id)).toEqual([receiver.requests[0].id]);

describe('a stop while the alert webhook receiver fails', () => {
  it('makes no further attempt and does not wait for the delivery: the alert goes out after the next start', () =>
    withOneFailingDelivery(async ({ receiver, service }, restart) => {
      const stoppedAt = Date.now();
      service.child.kill('SIGTERM');
      expect(await service.exited).toEqual({ code: null, signal: 'SIGTERM' });
      const stopMs = Date.now() - stoppedAt;
      // An attempt already on its way may arrive just after the signal; none is started later.
      expect(receiver.requests.filter((request) => request.receivedAt > stoppedAt + 250)).toEqual([]);
      expect(stopMs).toBeLessThan(4_000);
      expect(receiver.accepted()).toEqual([]);

      receiver.failNext(0);
      await restart();
      await eventually(() => deliveredOnce(receiver), 10_000);
    }), 60_000);

  it('after a kill -9, the instance started again sends at once: the dead sender’s lease is not waited out', () =>
    withOneFailingDelivery(async ({ receiver, service }, restart) => {
      service.child.kill('SIGKILL');
      await service.exited;
      receiver.failNext(0);
      const restartedAt = Date.now();
      await restart();
      // The lease the killed process held runs 60 s from its last attempt.
      await eventually(() => deliveredOnce(receiver), 15_000);
      expect(Date.now() - restartedAt).toBeLessThan(15_000);
    }), 60_000);
});
