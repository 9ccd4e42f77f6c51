import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** This process among others sharing a store: `<host>:<pid>:<random>`, unique even when a pid is reused. */
export function processIdentity(): { holder: string; host: string; pid: number } {
  const host = hostname();
  return { holder: `${host}:${process.pid}:${randomUUID().slice(0, 8)}`, host, pid: process.pid };
}

/**
 * True when `holder` (a processIdentity) names a process of this host that no longer exists: it died without
 * saying goodbye (a kill -9, a crash). False for other hosts, whose processes this one cannot see, and for
 * holders of another form.
 */
export function holderIsGoneFromThisHost(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
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
