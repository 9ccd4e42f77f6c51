/**
 * Awaits every start, started at once, and then throws the first failure. Each start should keep what it started
 * where the suite's afterAll finds it: Promise.all would reject at the first failure, before the others had
 * started, and what they started later would outlive the suite and keep jest from exiting.
 */
export async function startTogether(starts: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((start): start is PromiseRejectedResult => start.status === 'rejected');
  if (failed) throw failed.reason;
}
