const STOPPING_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs `work` with Ctrl-C and SIGTERM heard rather than obeyed (a copy that holds the thread would otherwise be cut
 * off, leaving its partial file): `stoppedBy()` names the signal heard, null until one is.
 */
export async function hearingStopSignals<T>(work: (stoppedBy: () => string | null) => Promise<T>): Promise<T> {
  let heard: string | null = null;
  const stop = (signal: string) => (heard = signal);
  for (const signal of STOPPING_SIGNALS) process.on(signal, stop);
  try {
    return await work(() => heard);
  } finally {
    for (const signal of STOPPING_SIGNALS) process.off(signal, stop);
  }
}
