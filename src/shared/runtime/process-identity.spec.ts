import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { holderIsGoneFromThisHost, pidHost, processIdentity } from './process-identity.js';

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('processIdentity / holderIsGoneFromThisHost', () => {
  it('names this process by host and pid, uniquely, and never counts it gone', () => {
    const identity = processIdentity();
    expect(identity).toEqual({ holder: expect.stringMatching(new RegExp(`^${escaped(pidHost())}:${process.pid}:[0-9a-f]{8}$`)), host: pidHost(), pid: process.pid });
    expect(processIdentity().holder).not.toBe(identity.holder);
    expect(holderIsGoneFromThisHost(identity.holder)).toBe(false);
  });

  it('counts gone a process of this host that has exited; not one of another host, nor a holder of another form', () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid!;
    expect(holderIsGoneFromThisHost(`${pidHost()}:${exited}:0a1b2c3d`)).toBe(true);
    expect(holderIsGoneFromThisHost(`not-${pidHost()}:${exited}:0a1b2c3d`)).toBe(false);
    expect(holderIsGoneFromThisHost('5f0c3a2e-0000-4000-8000-000000000000')).toBe(false);
  });

  it('tells containers given the same host name apart by their PID namespace: a pid missing here may live in the other', () => {
    const namespace = /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))![1];
    expect(pidHost()).toBe(`${hostname()}/pidns-${namespace}`);
    const exited = spawnSync(process.execPath, ['-e', '']).pid!;
    // As a process of the same host name in another namespace (or an older build, by the name alone) names itself.
    expect(holderIsGoneFromThisHost(`${hostname()}:${exited}:0a1b2c3d`)).toBe(false);
    expect(holderIsGoneFromThisHost(`${hostname()}/pidns-${Number(namespace) + 1}:${exited}:0a1b2c3d`)).toBe(false);
  });
});
