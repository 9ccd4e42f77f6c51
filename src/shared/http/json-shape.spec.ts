import { checkJsonShape, TOO_DEEP_MESSAGE } from './json-shape.js';

const nested = (levels: number, kind: 'array' | 'object') =>
  JSON.parse(kind === 'array' ? `${'['.repeat(levels)}1${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);

describe('checkJsonShape', () => {
  it.each([['array'], ['object']] as const)('accepts 32 levels of %s and refuses 33', (kind) => {
    expect(() => checkJsonShape(nested(32, kind))).not.toThrow();
    expect(() => checkJsonShape(nested(33, kind))).toThrow(TOO_DEEP_MESSAGE);
  });

  it('refuses a depth far beyond what recursion could take, without overflowing the stack', () => {
    expect(() => checkJsonShape(nested(200_000, 'array'))).toThrow(TOO_DEEP_MESSAGE);
  });

  it.each([
    ['{"__proto__": {}}', '__proto__ is not a known field'],
    ['{"a": {"constructor": 1}}', 'a.constructor is not a known field'],
    ['{"items": [{"x": 1}, {"prototype": 1}]}', 'items.1.prototype is not a known field'],
  ])('refuses %s naming the path', (json, message) => {
    expect(() => checkJsonShape(JSON.parse(json))).toThrow(message);
  });

  it.each([['null'], ['"text"'], ['[]'], ['{"name": "constructor", "list": ["__proto__"]}']])('accepts %s', (json) => {
    expect(() => checkJsonShape(JSON.parse(json))).not.toThrow();
  });
});
