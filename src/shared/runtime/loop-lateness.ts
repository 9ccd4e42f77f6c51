/**
 * Whether this thread's event loop is running late: a timer due every PERIOD_MS is checked for how late it fired.
 * Late by more than LATE_MS, every socket ready in this turn waited about that long to be read (a turn reads the
 * sockets that became ready during the turn before), and its client may have given up meanwhile. On time, a request
 * is read within milliseconds of its arrival. The timer is unref'd: it keeps no process alive.
 */
export class LoopLateness {
  static readonly PERIOD_MS = 20;
  static readonly LATE_MS = 20;
  private timer: NodeJS.Timeout | null = null;
  private due = 0;
  private lateMs = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** True when the last check found the loop later than LATE_MS. */
  get behind(): boolean {
    return this.lateMs > LoopLateness.LATE_MS;
  }

  start(): void {
    if (this.timer !== null) return;
    this.due = this.now() + LoopLateness.PERIOD_MS;
    this.timer = setInterval(() => this.check(), LoopLateness.PERIOD_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.lateMs = 0;
  }

  /** One check (the timer's; a test's with a clock of its own). */
  check(): void {
    const now = this.now();
    this.lateMs = Math.max(0, now - this.due);
    this.due = now + LoopLateness.PERIOD_MS;
  }
}
