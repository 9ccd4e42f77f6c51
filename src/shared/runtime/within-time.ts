/** setTimeout's longest delay: a longer one fires at once (Node's TimeoutOverflowWarning). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * What `work` answers, or the failure `timedOut` makes after `ms` (a store that keeps a call without answering holds
 * no caller for ever). The work itself goes on; its late answer is nobody's.
 */
export async function withinTime<T>(work: () => Promise<T>, ms: number, timedOut: () => Error = () => new Error(`no answer within ${ms} ms`)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), Math.min(ms, LONGEST_TIMER_MS));
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
