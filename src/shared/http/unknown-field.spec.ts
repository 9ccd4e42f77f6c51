import { isUnknownFieldMessage, unknownField } from './unknown-field.js';

describe('unknownField', () => {
  it('names the field, under its parent when it has one', () => {
    expect(unknownField('colour')).toBe('colour is not a known field');
    expect(unknownField('burst', 'rate_limit')).toBe('rate_limit.burst is not a known field');
  });

  it('names an empty name as "" rather than nothing', () => {
    expect(unknownField('')).toBe('"" is not a known field');
    expect(unknownField('', 'context')).toBe('context."" is not a known field');
  });

  it('tells its messages from the others', () => {
    expect(isUnknownFieldMessage(unknownField(''))).toBe(true);
    expect(isUnknownFieldMessage('name must be a string')).toBe(false);
  });
});
