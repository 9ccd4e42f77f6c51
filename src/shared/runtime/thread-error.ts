/**
 * What a worker thread's uncaught error says. Node clones it for the parent's 'error' event, and an error of a class
 * it does not know (better-sqlite3's SqliteError) arrives as a plain object of its enumerable fields: no message,
 * only `code` ("Projection thread failed: undefined" was logged on a full disk).
 */
export function threadErrorMessage(error: unknown): string {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  if (typeof code === 'string') return code;
  return String(error);
}
