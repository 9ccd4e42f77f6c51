/** How often the loop is sampled, and how far back a stall is remembered. */
const SAMPLE_EVERY_MS = 50;
const REMEMBERED_MS = 2000;

/**
 * The longest the event loop was blocked (a timer this late) in the last two seconds, in ms: a Redis command that
 * "timed out" while the loop was blocked longer than the command timeout waited for this process, not for Redis.
 * One unref'd timer, sampled every 50 ms.
 */
export function watchEventLoopStalls(now: () => number = () => performance.now()): () => number {
  let stalls: { at: number; ms: number }[] = [];
  let expected = now() + SAMPLE_EVERY_MS;
  const timer = setInterval(() => {
    const at = now();
    const late = at - expected;
    expected = at + SAMPLE_EVERY_MS;
    stalls = stalls.filter((stall) => at - stall.at <= REMEMBERED_MS);
    if (late >= SAMPLE_EVERY_MS) stalls.push({ at, ms: Math.round(late) });
  }, SAMPLE_EVERY_MS);
  timer.unref();
  return () => {
    const at = now();
    return stalls.reduce((longest, stall) => (at - stall.at <= REMEMBERED_MS ? Math.max(longest, stall.ms) : longest), 0);
  };
}
