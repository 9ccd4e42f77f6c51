const UNKNOWN_FIELD = ' is not a known field';

/**
 * How every route names a field (body or query) it does not declare. An empty name is shown as `""`: `?=1` or
 * `{"": 1}` was answered " is not a known field", naming nothing.
 */
export function unknownField(name: string, parent?: string): string {
  return `${parent === undefined ? '' : `${parent}.`}${name === '' ? '""' : name}${UNKNOWN_FIELD}`;
}

export const isUnknownFieldMessage = (message: string): boolean => message.endsWith(UNKNOWN_FIELD);
