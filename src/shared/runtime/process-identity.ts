import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * The host as far as its pids go: its name and, on Linux, the PID namespace. Containers given the same host name
 * (`--hostname`, a pod's spec) each number their processes from 1 in a namespace of their own: by the name alone,
 * each would find the other's pid missing and count it dead.
 */
export function pidHost(): string {
  return PID_HOST;
}

function pidNamespace(): string | null {
  try {
    return /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? null;
  } catch {
    // Not Linux, or /proc not mounted: the host name alone.
    return null;
  }
}

const PID_NAMESPACE = pidNamespace();
const PID_HOST = PID_NAMESPACE === null ? hostname() : `${hostname()}/pidns-${PID_NAMESPACE}`;

/** This process among others sharing a store: `<host>:<pid>:<random>` (host: pidHost), unique even when a pid is reused. */
export function processIdentity(): { holder: string; host: string; pid: number } {
  const host = pidHost();
  return { holder: `${host}:${process.pid}:${randomUUID().slice(0, 8)}`, host, pid: process.pid };
}

/**
 * True when `holder` (a processIdentity) names a process of this host and PID namespace that no longer exists: it
 * died without saying goodbye (a kill -9, a crash). False for other hosts and namespaces, whose processes this one
 * cannot see, and for holders of another form.
 */
export function holderIsGoneFromThisHost(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== pidHost() || !/^\d+$/.test(pid ?? '')) return false;
  return !processExists(Number(pid));
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
