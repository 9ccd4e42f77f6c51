/** An adapter could not reach its server; the HTTP layer answers 503 so callers retry. */
export class StoreUnavailableError extends Error {
  constructor(store: string, cause: unknown) {
    super(`${store} is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}
