/** Whether `granted` covers `required`, as the API decides it (docs/api.md, Key policies): `*`, the permission, or `resource:*`. */
export function holdsPermission(granted: readonly string[], required: string): boolean {
  if (granted.includes('*') || granted.includes(required)) return true;
  const colon = required.indexOf(':');
  return colon > 0 && granted.includes(`${required.slice(0, colon)}:*`);
}
