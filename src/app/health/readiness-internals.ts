/** The fields of a check that may carry a store's address, a file's path or a driver's words: an error's text, a reason. */
const INTERNAL_FIELDS = new Set(['error', 'reason']);

/**
 * A readiness answer for a caller not shown the internals: every check with its status and figures, without the text
 * of an error or a reason (a Redis or MongoDB error names its host and port, the log's its file, a driver's its user).
 * The answer's own `error`, the service's error body (an object), stays. The full text is in the log lines.
 */
export function withoutInternals<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutInternals) as T;
  if (value === null || typeof value !== 'object') return value;
  const kept = Object.entries(value).filter(([name, field]) => !(INTERNAL_FIELDS.has(name) && typeof field === 'string'));
  return Object.fromEntries(kept.map(([name, field]) => [name, withoutInternals(field)])) as T;
}
