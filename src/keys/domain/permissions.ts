import { PermissionsInvalid } from './api-key-errors.js';

/** Everything: what keys created without `permissions` had before permissions existed. */
export const ALL_PERMISSIONS = '*';
export const MAX_PERMISSIONS = 50;

/**
 * `*`, or `<resource>:<action>` where both are lowercase names (letters, digits, `_`, `-`; 1-32 characters,
 * starting with a letter) and the action may be `*` (every action on the resource): keys:read, keys:write,
 * parses:read, parses:*.
 */
export const PERMISSION_PATTERN = '^(\\*|[a-z][a-z0-9_-]{0,31}:([a-z][a-z0-9_-]{0,31}|\\*))$';
const PERMISSION = new RegExp(PERMISSION_PATTERN);

/** The permissions as stored: validated, without duplicates, sorted; ['*'] when `*` is among them. */
export function normalisePermissions(given: readonly unknown[]): string[] {
  if (given.length === 0 || given.length > MAX_PERMISSIONS) {
    throw new PermissionsInvalid(`permissions must list 1 to ${MAX_PERMISSIONS} permissions.`);
  }
  for (const permission of given) {
    if (typeof permission !== 'string' || !PERMISSION.test(permission)) {
      throw new PermissionsInvalid('permissions must be "*" or "<resource>:<action>" in lowercase, such as "keys:read" or "parses:*".');
    }
  }
  const unique = [...new Set(given as string[])];
  return unique.includes(ALL_PERMISSIONS) ? [ALL_PERMISSIONS] : unique.sort();
}

/** Whether `granted` covers `required` (itself a permission, possibly `*` or `resource:*`). */
export function holdsPermission(granted: readonly string[], required: string): boolean {
  if (granted.includes(ALL_PERMISSIONS) || granted.includes(required)) return true;
  const colon = required.indexOf(':');
  return colon > 0 && granted.includes(`${required.slice(0, colon)}:*`);
}

/** The permissions of `required` that `granted` does not cover, in their order, each once however often required. */
export function missingPermissions(granted: readonly string[], required: readonly string[]): string[] {
  return [...new Set(required)].filter((permission) => !holdsPermission(granted, permission));
}
