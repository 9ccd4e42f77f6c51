/**
 * The wait a receiver asks for in its `Retry-After` header (RFC 9110: delay-seconds or an HTTP date), in ms from
 * `nowMs`; null when there is none or it cannot be read, 0 for an instant already past.
 */
export function retryAfterMs(value: string | null | undefined, nowMs: number): number | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  // Only a date with a weekday and a zone (what RFC 9110's forms all carry): Date.parse reads a bare "5" as a year.
  if (!/^[A-Za-z]{3},? .*(GMT|UTC|[+-]\d{4})$/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
