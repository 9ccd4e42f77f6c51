import { setPriority } from 'node:os';

export const BACKGROUND_NICENESS = 10;

/**
 * Lowers the CPU priority of the calling worker thread, so that when cores are short the thread that
 * answers requests runs first and background work (usage appends, projections, checkpoints) waits.
 * Linux only: there setpriority(2) with pid 0 acts on the calling thread; elsewhere it would lower the
 * whole process, so nothing is done. Lowering a priority needs no privilege.
 */
export function runAtBackgroundPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(BACKGROUND_NICENESS);
  } catch {
    // A sandbox that forbids setpriority(2): the thread keeps the default priority.
  }
}
