import { canonicalAddress, failureGuardSubject, networkOf } from './client-address.js';

describe('client addresses and networks', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7', '203.0.113.0/24'],
    ['::ffff:203.0.113.7', '203.0.113.7', '203.0.113.0/24'],
    ['::FFFF:cb00:7107', '203.0.113.7', '203.0.113.0/24'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1', '2001:db8::/48'],
    ['2001:db8:abcd:12::1', '2001:db8:abcd:12::1', '2001:db8:abcd::/48'],
    ['fe80::1%eth0', 'fe80::1', 'fe80::/48'],
    ['[2001:db8:1:2::3]', '2001:db8:1:2::3', '2001:db8:1::/48'],
    ['::1', '::1', '::/48'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221', '64:ff9b::/48'],
  ])('%s → %s in %s', (raw, address, network) => {
    expect(canonicalAddress(raw)).toBe(address);
    expect(networkOf(raw)).toBe(network);
  });

  it.each(['unknown', '256.1.1.1', '1.2.3', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::1', ''])(
    'reads %j as no address',
    (raw) => {
      expect(networkOf(raw)).toBeNull();
      expect(canonicalAddress(raw)).toBe(raw);
      expect(failureGuardSubject(raw)).toBe(raw);
    },
  );

  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:DB8:1:2:a:b:c:d', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['[2001:db8::1]', '2001:db8::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    ['::1', '::/64'],
  ])('the failed-auth guard counts %s as %s', (raw, subject) => {
    expect(failureGuardSubject(raw)).toBe(subject);
  });

  it('reads IPv4 text, canonical or with leading zeros or spaces, as its octets (5,000 random addresses)', () => {
    let seed = 5;
    const random = (n: number) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0), seed % n);
    for (let i = 0; i < 5_000; i++) {
      const octets = Array.from({ length: 4 }, () => random(256));
      const written = octets.map((octet) => (octet < 100 && random(6) === 0 ? `0${octet}` : String(octet))).join('.');
      const raw = random(8) === 0 ? ` ${written}` : written;
      expect([raw, canonicalAddress(raw), networkOf(raw)]).toEqual([raw, octets.join('.'), `${octets.slice(0, 3).join('.')}.0/24`]);
    }
  });
});
