/** An adapter could not reach its server; the HTTP layer answers 503 so callers retry. */
export class StoreUnavailableError extends Error {
  constructor(store: string, cause: unknown) {
    super(`${store} is unavailable: ${messageOf(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** The cause's message, whatever realm its class comes from (a native addon's error may fail `instanceof Error`). */
function messageOf(cause: unknown): string {
  const message = (cause as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(cause);
}
