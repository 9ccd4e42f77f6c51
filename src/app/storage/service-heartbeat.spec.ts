import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteServiceHeartbeats } from '../../infrastructure/sqlite/sqlite-service-heartbeats.js';
import { pidHost } from '../../shared/runtime/process-identity.js';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_STALE_AFTER_MS, HEARTBEAT_WATCH_MS, servicesHolding } from './service-heartbeat.js';

describe('servicesHolding', () => {
  const dir = mkdtempSync(join(tmpdir(), 'psk-heartbeats-'));
  const heartbeats = new SqliteServiceHeartbeats(join(dir, 'service-heartbeats.sqlite'), { onWarning: () => undefined });
  const now = new Date('2026-06-01T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  // A pid that no process has: above the kernel's pid_max.
  const deadPid = 2 ** 22 + 1;

  afterAll(async () => {
    await heartbeats.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a fresh heartbeat of a live process, and of another host (whose processes it cannot see)', async () => {
    await heartbeats.beat({ holder: 'live', host: pidHost(), pid: process.pid, beatAt: ago(1000) });
    await heartbeats.beat({ holder: 'remote', host: 'elsewhere.example', pid: deadPid, beatAt: ago(HEARTBEAT_STALE_AFTER_MS) });
    expect((await servicesHolding(heartbeats, now)).map((beat) => beat.holder).sort()).toEqual(['live', 'remote']);
  });

  it('counts a fresh heartbeat of a process of the same host name in another PID namespace (a container), its pid missing here', async () => {
    await heartbeats.beat({ holder: 'next container', host: `${hostname()}/pidns-1`, pid: deadPid, beatAt: ago(500) });
    expect((await servicesHolding(heartbeats, now)).map((beat) => beat.holder)).toContain('next container');
    await heartbeats.end('next container');
  });

  it('ignores a heartbeat older than the stale limit, one whose process on this host is gone, and one that ended', async () => {
    await heartbeats.beat({ holder: 'stale', host: 'elsewhere.example', pid: 1, beatAt: ago(HEARTBEAT_STALE_AFTER_MS + 1) });
    await heartbeats.beat({ holder: 'killed', host: pidHost(), pid: deadPid, beatAt: ago(500) });
    await heartbeats.end('live');
    expect((await servicesHolding(heartbeats, now, async () => undefined)).map((beat) => beat.holder)).toEqual(['remote']);
  });

  it('counts a heartbeat older than the stale limit by this clock that beats again meanwhile (a live service whose clock is behind)', async () => {
    const behind = (ms: number) => ({ holder: 'behind', host: 'elsewhere.example', pid: 1, beatAt: ago(30_000 - ms) });
    await heartbeats.beat({ holder: 'stopped still', host: 'elsewhere.example', pid: 1, beatAt: ago(30_000) });
    await heartbeats.beat(behind(0));
    const waits: number[] = [];
    const beatMeanwhile = async (ms: number) => {
      waits.push(ms);
      await heartbeats.beat(behind(HEARTBEAT_INTERVAL_MS));
    };
    expect((await servicesHolding(heartbeats, now, beatMeanwhile)).map((beat) => beat.holder).sort()).toEqual(['behind', 'remote']);
    expect(waits).toEqual([HEARTBEAT_WATCH_MS]);
    await heartbeats.forget(['behind', 'stopped still', 'stale']);
    // Nothing in doubt, nothing to watch: no wait.
    expect((await servicesHolding(heartbeats, now, beatMeanwhile)).map((beat) => beat.holder)).toEqual(['remote']);
    expect(waits).toHaveLength(1);
  });

  it('removes at a beat no other heartbeat, however old by this clock (it may be a live service whose clock is behind); forget removes those named', async () => {
    await heartbeats.beat({ holder: 'an hour behind', host: 'elsewhere.example', pid: 1, beatAt: ago(3_600_001) });
    await heartbeats.beat({ holder: 'crashed', host: 'elsewhere.example', pid: 1, beatAt: ago(5000) });
    await heartbeats.beat({ holder: 'remote', host: 'elsewhere.example', pid: deadPid, beatAt: now });
    const holders = async () => (await heartbeats.since(new Date(0))).map((beat) => beat.holder);
    expect(await holders()).toEqual(expect.arrayContaining(['an hour behind', 'crashed', 'remote']));
    await heartbeats.forget(['crashed']);
    expect(await holders()).toEqual(expect.arrayContaining(['an hour behind', 'remote']));
    expect(await holders()).not.toContain('crashed');
  });
});
