import { InvalidArgumentError } from 'commander';
import { instant } from './arguments.js';

describe('instant: a --expires-at or --as-of argument', () => {
  it.each([
    ['2030-01-31T12:00:00Z', '2030-01-31T12:00:00.000Z'],
    ['2030-01-31T12:00Z', '2030-01-31T12:00:00.000Z'],
    ['2030-01-31T12:00:00.5+02:00', '2030-01-31T10:00:00.500Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(instant(text).toISOString()).toBe(iso);
  });

  it.each(['2030-02-30T00:00:00Z', '2026-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2030-13-01T00:00:00Z', '2030-01-31T24:00:00Z', '2030-01-31T12:00:00', '2030-01-31', 'tomorrow'])(
    'refuses %s, as the API does',
    (text) => {
      expect(() => instant(text)).toThrow(InvalidArgumentError);
    },
  );
});
