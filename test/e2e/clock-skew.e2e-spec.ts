import { existsSync } from 'node:fs';
import { eventually } from '../support/eventually.js';
import { parseExposition } from '../support/prometheus-text.js';
import { callInstance } from '../support/instance-call.js';
import { countEvents, createKeyWithCli, startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { startTogether } from '../support/start-together.js';
import { makeTempDir } from '../support/temp-dir.js';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const HOUR_S = 3600;
/** A run already under faketime (docs/testing.md) shifts by `+Ns`: the skewed instance goes an hour further. */
const runOffset = /^\+?(-?\d+)s?$/.exec(process.env.FAKETIME ?? '+0s');
const runnable = existsSync(LIBFAKETIME) && runOffset !== null;
if (!runnable) console.log(`Clock skew test skipped: it needs libfaketime at ${LIBFAKETIME} (apt-get install faketime) and a run not shifted other than by +Ns`);

const readiness = async (instance: ServiceProcess) => (await (await fetch(`${instance.url}/health/ready`)).json()) as { details: { clock: Record<string, unknown> } };

(runnable ? describe : describe.skip)('One instance an hour ahead among three on one DATA_DIR', () => {
  const dir = makeTempDir('clock-skew');
  const instances: ServiceProcess[] = [];
  const skewedOutput: string[] = [];
  let admin: string;
  /** Due in 30 minutes, in the log before the skewed instance starts: it finds it due at once, before it has measured anything. */
  let dueAtStart: { id: string; key: string };

  beforeAll(async () => {
    const env = { DATA_DIR: dir.path, POLL_INTERVAL_MS: '50', AUTH_FAILURE_LIMIT: '10000' };
    admin = createKeyWithCli(env.DATA_DIR, [], env).key;
    dueAtStart = createKeyWithCli(env.DATA_DIR, ['--expires-in', '1800'], env);
    const ahead = { FAKETIME: `+${Number(runOffset![1]) + HOUR_S}s`, LD_PRELOAD: LIBFAKETIME, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
    await startTogether([
      startServiceProcess(env).then((started) => (instances[0] = started)),
      startServiceProcess(env).then((started) => (instances[1] = started)),
      startServiceProcess({ ...env, ...ahead }, { output: skewedOutput }).then((started) => (instances[2] = started)),
    ]);
  }, 60_000);
  afterAll(async () => {
    for (const instance of instances) {
      instance?.child.kill('SIGTERM');
      await instance?.exited;
    }
    dir.remove();
  });

  it('the skewed instance finds itself out of step and says so once; the two others agree', async () => {
    const [a, b, skewed] = instances;
    await eventually(async () => {
      expect((await readiness(skewed!)).details.clock).toMatchObject({ status: 'down', standing: 'out_of_step', instances: 3, agreeing: 1, outvoted: true });
      for (const correct of [a!, b!]) expect((await readiness(correct)).details.clock).toMatchObject({ status: 'up', standing: 'agrees', instances: 3, agreeing: 2, outvoted: false });
    }, 15_000, 200);
    const offset = (await readiness(skewed!)).details.clock.offset_ms as number;
    expect(Math.abs(offset - HOUR_S * 1000)).toBeLessThan(1000);
    const lines = skewedOutput.join('').split('\n').filter((line) => line.includes('clock out of step'));
    expect(lines).toHaveLength(1);
    // Logged when it first found a clock it disagreed with: it may have seen one of the two others by then.
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', context: 'Clock', agreeing: 1, tolerance_ms: 2000 });
    // Outvoted once both others are seen: one line more, and it leaves the balancer.
    const outvoted = skewedOutput.join('').split('\n').filter((line) => line.includes('clock outvoted'));
    expect(outvoted).toHaveLength(1);
    expect(JSON.parse(outvoted[0]!)).toMatchObject({ level: 'error', context: 'Clock', instances: 3, agreeing: 1 });
    expect((await fetch(`${skewed!.url}/health/ready`)).status).toBe(503);
  }, 20_000);

  // The metrics audit (2026-12-06): two instances on one host (one clock) read +0.41 s and +0.30 s, each ahead of the
  // other: the gauge gave the far end of what the heartbeats bound the offset to (a beat read late only makes its
  // writer seem behind). It gives the middle now, and how far the truth may be from it (here, measured: 0.03 s and
  // 0.17 s from the truth, within ±0.25 s, where the estimate was 0.22 s and 0.08 s off for the correct ones).
  it('the clock gauges bracket the true offsets: half an hour behind the median of the others for each correct instance, an hour ahead for the skewed one', async () => {
    const [a, b, skewed] = instances;
    const gauges = async (instance: ServiceProcess) => {
      const samples = parseExposition(await (await fetch(`${instance.url}/metrics`)).text());
      return { offset: samples.get('parsesphere_clock_offset_seconds')!, uncertainty: samples.get('parsesphere_clock_offset_uncertainty_seconds')! };
    };
    await eventually(async () => {
      for (const instance of instances) expect((await readiness(instance)).details.clock).toMatchObject({ instances: 3 });
    }, 15_000, 200);
    // The median of a correct peer (0) and one an hour ahead is half an hour ahead.
    for (const [instance, trueOffset] of [[a!, -HOUR_S / 2], [b!, -HOUR_S / 2], [skewed!, HOUR_S]] as const) {
      const { offset, uncertainty } = await gauges(instance);
      expect(uncertainty).toBeGreaterThan(0);
      expect(uncertainty).toBeLessThan(1);
      expect(Math.abs(offset - trueOffset)).toBeLessThanOrEqual(uncertainty);
    }
  }, 20_000);

  it('the skewed instance takes no change dated by its clock (503; the others take it) but still revokes', async () => {
    const [a, , skewed] = instances;
    const refused = await callInstance(skewed!, admin, 'POST', '/v1/api-keys', { name: 'an hour ahead' });
    expect([refused.status, refused.body.error?.type]).toEqual([503, 'service_unavailable_error']);
    const created = await callInstance(a!, admin, 'POST', '/v1/api-keys', { name: 'on a correct clock' });
    expect(created.status).toBe(201);
    await eventually(async () => expect((await callInstance(skewed!, admin, 'GET', `/v1/api-keys/${created.body.id}`)).status).toBe(200), 5000, 50);
    expect((await callInstance(skewed!, admin, 'POST', `/v1/api-keys/${created.body.id}/disable`)).status).toBe(503);
    expect((await callInstance(skewed!, admin, 'DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(200);
    expect(countEvents(dir.path, 'KeyDisabled')).toBe(0);
  }, 20_000);

  it('a key due in 30 minutes by the correct clocks is not expired early: no KeyExpired, active and accepted on the others', async () => {
    const [a, b, skewed] = instances;
    const created = await callInstance(a!, admin, 'POST', '/v1/api-keys', { name: 'skew', expires_in_seconds: 1800 });
    expect(created.status).toBe(201);
    // The skewed instance reads the key (and finds it past its expiry by its own clock, which refuses it there only).
    await eventually(async () => expect((await callInstance(skewed!, created.body.key)).status).toBe(401), 5000, 50);
    // Its expiry scheduler runs every second; three passes.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(countEvents(dir.path, 'KeyExpired')).toBe(0);
    for (const correct of [a!, b!]) {
      expect((await callInstance(correct, created.body.key)).status).toBe(200);
      expect((await callInstance(correct, dueAtStart.key)).status).toBe(200);
    }
    const detail = await callInstance(b!, admin, 'GET', `/v1/api-keys/${created.body.id}`);
    expect(detail.body).toMatchObject({ status: 'active', expires_at: created.body.expires_at });
    // Still changeable: nothing has made the expiry final.
    expect((await callInstance(a!, admin, 'POST', `/v1/api-keys/${created.body.id}/disable`)).status).toBe(200);
    expect((await callInstance(a!, admin, 'POST', `/v1/api-keys/${created.body.id}/enable`)).status).toBe(200);
  }, 20_000);
});
