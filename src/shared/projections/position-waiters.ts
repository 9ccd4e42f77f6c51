import { ServiceUnavailable } from '../application/errors.js';

interface Waiter {
  position: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Callers waiting for a projection to reach a log position (read-your-writes). */
export class PositionWaiters {
  private waiters: Waiter[] = [];

  /** Resolves once advance() reaches `position`, or fails with ServiceUnavailable after timeoutMs. */
  wait(position: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new ServiceUnavailable('The change was recorded but is not yet visible; retry the read shortly.'));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  advance(position: number): void {
    const ready = this.waiters.filter((w) => w.position <= position);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const waiter of ready) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  rejectAll(error: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
