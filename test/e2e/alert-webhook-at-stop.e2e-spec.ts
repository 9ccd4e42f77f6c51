import { eventually } from '../support/eventually.js';
import { type ServiceProcess, startServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'whsec_e2e_alert_webhook_at_stop_0123456789';

/** Unknown keys from one address: a failed_auth_burst alert. */
async function raiseAlert(service: ServiceProcess): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await fetch(`${service.url}/v1/api-keys`, { headers: { authorization: `Bearer sk_live_${'x'.repeat(20)}${i}` } });
  }
}

describe('a stop while the alert webhook receiver fails', () => {
  it('makes no further attempt and does not wait for the delivery: the alert goes out after the next start', async () => {
    const dir = makeTempDir('webhook-at-stop');
    const receiver = await WebhookReceiver.start(SECRET);
    receiver.failNext(1000, 500);
    const env = { DATA_DIR: dir.path, ALERT_WEBHOOK_URL: receiver.url, ALERT_WEBHOOK_SECRET: SECRET, AUTH_FAILURE_LIMIT: '1000' };
    const service = await startServiceProcess(env);
    let restarted: ServiceProcess | undefined;
    try {
      await raiseAlert(service);
      await eventually(() => expect(receiver.requests.length).toBeGreaterThanOrEqual(1), 10_000);
      const stoppedAt = Date.now();
      service.child.kill('SIGTERM');
      expect(await service.exited).toEqual({ code: null, signal: 'SIGTERM' });
      const stopMs = Date.now() - stoppedAt;
      // An attempt already on its way may arrive just after the signal; none is started later.
      const later = receiver.requests.filter((request) => request.receivedAt > stoppedAt + 250);
      expect(later).toEqual([]);
      expect(stopMs).toBeLessThan(4_000);
      expect(receiver.accepted()).toEqual([]);

      receiver.failNext(0);
      restarted = await startServiceProcess(env);
      await eventually(() => expect(receiver.accepted().map((request) => request.id)).toEqual([receiver.requests[0].id]), 10_000);
    } finally {
      service.child.kill('SIGKILL');
      restarted?.child.kill('SIGKILL');
      await receiver.close();
      dir.remove();
    }
  }, 60_000);

  it('after a kill -9, the instance started again sends at once: the dead sender’s lease is not waited out', async () => {
    const dir = makeTempDir('webhook-after-kill');
    const receiver = await WebhookReceiver.start(SECRET);
    receiver.failNext(1000, 500);
    const env = { DATA_DIR: dir.path, ALERT_WEBHOOK_URL: receiver.url, ALERT_WEBHOOK_SECRET: SECRET, AUTH_FAILURE_LIMIT: '1000' };
    const service = await startServiceProcess(env);
    let restarted: ServiceProcess | undefined;
    try {
      await raiseAlert(service);
      await eventually(() => expect(receiver.requests.length).toBeGreaterThanOrEqual(1), 10_000);
      service.child.kill('SIGKILL');
      await service.exited;
      receiver.failNext(0);
      const restartedAt = Date.now();
      restarted = await startServiceProcess(env);
      // The lease the killed process held runs 60 s from its last attempt.
      await eventually(() => expect(receiver.accepted().map((request) => request.id)).toEqual([receiver.requests[0].id]), 15_000);
      expect(Date.now() - restartedAt).toBeLessThan(15_000);
    } finally {
      restarted?.child.kill('SIGKILL');
      await receiver.close();
      dir.remove();
    }
  }, 60_000);
});
