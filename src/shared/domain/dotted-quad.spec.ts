import { isIP } from 'node:net';
import { dottedQuadValue } from './dotted-quad.js';

const expected = (text: string): number =>
  isIP(text) === 4 ? text.split('.').reduce((value, octet) => value * 256 + Number(octet), 0) : -1;

describe('dottedQuadValue', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.0.0.1', 0x0a000001],
    ['203.0.113.7', 0xcb007107],
    ['255.255.255.255', 0xffffffff],
  ])('reads %s as its 32-bit value', (text, value) => {
    expect(dottedQuadValue(text)).toBe(value);
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '1.2.3.256', '01.2.3.4', '1.2.3.00', '1..3.4', '.1.2.3', '1.2.3.', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.4/32', '::ffff:1.2.3.4', '１.2.3.4', '1.2.3.1000'])(
    'refuses %j',
    (text) => {
      expect(dottedQuadValue(text)).toBe(-1);
    },
  );

  it('accepts exactly what node:net isIP calls IPv4, with the same value (20,000 random texts)', () => {
    let seed = 7;
    const random = (n: number) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0), seed % n);
    const pieces = ['0', '1', '9', '10', '00', '01', '99', '100', '199', '249', '250', '255', '256', '299', '999', '1000', '', 'a', ' ', '-1'];
    let ipv4 = 0;
    for (let i = 0; i < 20_000; i++) {
      const parts = Array.from({ length: 3 + random(3) }, () => pieces[random(random(4) === 0 ? pieces.length : 12)]);
      const text = parts.join('.');
      if (isIP(text) === 4) ipv4++;
      expect([text, dottedQuadValue(text)]).toEqual([text, expected(text)]);
    }
    expect(ipv4).toBeGreaterThan(2_000);
  });
});
