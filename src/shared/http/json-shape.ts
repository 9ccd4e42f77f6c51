import { InvalidRequest } from '../application/errors.js';
import { unknownField } from './unknown-field.js';

export const MAX_JSON_DEPTH = 32;

export const TOO_DEEP_MESSAGE = `The request body is nested too deeply (at most ${MAX_JSON_DEPTH} levels).`;

/** Names that reach an object's prototype: Nest's ValidationPipe would drop them silently, so they are refused here. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses, before validation, what validation cannot take: nesting deeper than MAX_JSON_DEPTH arrays or
 * objects anywhere (class-transformer recurses and overflows the stack at about 1,300 levels), and the
 * property names __proto__, constructor and prototype anywhere, refused as any unknown field is named (until
 * 2026-12-06 in class-validator's words, "property constructor should not exist", where `valueOf` was "not a known field").
 * Iterative, one visit per array or object and no allocation per value, so no input can overflow the stack
 * here and a body costs less than its JSON.parse (bench/request-edge.mjs).
 */
export function checkJsonShape(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const pending: object[] = [value];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const depth = depths.pop()!;
    if (depth > MAX_JSON_DEPTH) throw new InvalidRequest(TOO_DEEP_MESSAGE);
    if (Array.isArray(current)) {
      for (const child of current) {
        if (typeof child === 'object' && child !== null) {
          pending.push(child);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    const record = current as Record<string, unknown>;
    for (const key in record) {
      if (PROTOTYPE_KEYS.has(key)) throw new InvalidRequest(unknownField(pathTo(value, current, key)));
      const child = record[key];
      if (typeof child === 'object' && child !== null) {
        pending.push(child);
        depths.push(depth + 1);
      }
    }
  }
}

/** The field's path as validation messages name it (rate_limit.requests, items.0.name): found again, only for a refusal. */
function pathTo(root: object, holder: object, key: string): string {
  const pending: [object, string[]][] = [[root, []]];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (current === holder) return [...path, key].join('.');
    for (const [name, child] of Object.entries(current)) {
      if (typeof child === 'object' && child !== null) pending.push([child, [...path, name]]);
    }
  }
  return key;
}
