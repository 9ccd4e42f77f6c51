/**
 * The paths (`toString`, `rate_limit.valueOf`, `items.0.hasOwnProperty`) of the properties, anywhere in a parsed body or
 * query, named after a method every object inherits from Object.prototype. class-transformer skips a property whose
 * name is a method of the instance it fills, so the validation pipe's whitelist never sees them: left alone, such a
 * field would be dropped silently instead of refused as unknown. No request schema of this API declares one.
 */
export function prototypeNamedFields(value: unknown, path = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([name, child]) => {
    const field = path === '' ? name : `${path}.${name}`;
    return [...(isInheritedMethod(name) ? [field] : []), ...prototypeNamedFields(child, field)];
  });
}

const isInheritedMethod = (name: string): boolean => typeof (Object.prototype as Record<string, unknown>)[name] === 'function';
