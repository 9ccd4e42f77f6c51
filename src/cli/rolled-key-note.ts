import type { ApiKeyResponse } from '../keys/presentation/api-key.response.js';

/**
 * The line `roll --table` ends with: the new key's warning, and whether the old key still works, as its status says.
 * A disabled key rolled (the leaked-key path: disable, then roll) is refused from the roll on, and one rolled with
 * --grace 0 has ended: neither "works until" its grace end.
 */
export function rolledKeyNote(rolled: ApiKeyResponse): string {
  const shown = 'The new key is shown only this once: store it now.';
  const { id, status, expires_at: endsAt, rotation } = rolled;
  if (status === 'disabled') return `${shown} Key ${id} is disabled: it is refused (enabled again, it would work until ${endsAt} at the latest).`;
  if (status !== 'active') return `${shown} Key ${id} is ${status}: it no longer works.`;
  const idle = rotation?.close_when_idle_seconds;
  return `${shown} Key ${id} works until ${endsAt}${idle == null ? '' : `, or until it has gone unused for ${idle} s`}.`;
}
