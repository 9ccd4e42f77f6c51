import { InvalidRequest } from '../application/errors.js';

export const MAX_JSON_DEPTH = 32;

export const TOO_DEEP_MESSAGE = `The request body is nested too deeply (at most ${MAX_JSON_DEPTH} levels).`;

/** Names that reach an object's prototype: Nest's ValidationPipe would drop them silently, so they are refused here. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface Frame {
  readonly value: object;
  readonly depth: number;
  readonly parent: Frame | null;
  readonly key: string;
}

/**
 * Refuses, before validation, what validation cannot take: nesting deeper than MAX_JSON_DEPTH arrays or
 * objects anywhere (class-transformer recurses and overflows the stack at about 1,300 levels), and the
 * property names __proto__, constructor and prototype anywhere, refused like any unknown property.
 * Iterative, one visit per value, so no input can overflow the stack here.
 */
export function checkJsonShape(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const pending: Frame[] = [{ value, depth: 1, parent: null, key: '' }];
  while (pending.length > 0) {
    const frame = pending.pop()!;
    if (frame.depth > MAX_JSON_DEPTH) throw new InvalidRequest(TOO_DEEP_MESSAGE);
    const isArray = Array.isArray(frame.value);
    const record = frame.value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!isArray && PROTOTYPE_KEYS.has(key)) {
        throw new InvalidRequest(`${pathOf(frame, key)}: property ${key} should not exist`);
      }
      const child = record[key];
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: frame.depth + 1, parent: frame, key });
    }
  }
}

/** The field's path as validation messages name it: rate_limit.requests, items.0.name. */
function pathOf(frame: Frame, key: string): string {
  const names = [key];
  for (let at: Frame | null = frame; at?.parent; at = at.parent) names.unshift(at.key);
  return names.join('.');
}
