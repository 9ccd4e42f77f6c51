/**
 * Whether `work` ended within `ms` (a rejection counts as ended, and is not rethrown). Past that the caller stops
 * waiting; the work itself goes on: what a stop abandons so ends with the process.
 */
export async function finishedWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
