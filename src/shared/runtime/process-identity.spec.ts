import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { holderIsGoneFromThisHost, processIdentity } from './process-identity.js';

describe('processIdentity / holderIsGoneFromThisHost', () => {
  it('names this process by host and pid, uniquely, and never counts it gone', () => {
    const identity = processIdentity();
    expect(identity).toEqual({ holder: expect.stringMatching(new RegExp(`^${hostname()}:${process.pid}:[0-9a-f]{8}$`)), host: hostname(), pid: process.pid });
    expect(processIdentity().holder).not.toBe(identity.holder);
    expect(holderIsGoneFromThisHost(identity.holder)).toBe(false);
  });

  it('counts gone a process of this host that has exited; not one of another host, nor a holder of another form', () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid!;
    expect(holderIsGoneFromThisHost(`${hostname()}:${exited}:0a1b2c3d`)).toBe(true);
    expect(holderIsGoneFromThisHost(`not-${hostname()}:${exited}:0a1b2c3d`)).toBe(false);
    expect(holderIsGoneFromThisHost('5f0c3a2e-0000-4000-8000-000000000000')).toBe(false);
  });
});
