import { BlockList, isIP } from 'node:net';
import { normaliseAllowedIps } from '../domain/allowed-ips.js';
import { AddressMatcher } from './address-matcher.js';

/** The matcher this one replaced, kept as the oracle: node:net's BlockList over the same normalised list. */
function blockListAllows(allowedIps: readonly string[], clientIp: string | null): boolean {
  const list = new BlockList();
  for (const entry of allowedIps) {
    const [address, prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  if (clientIp === null) return false;
  const address = clientIp.startsWith('::ffff:') && isIP(clientIp.slice(7)) === 4 ? clientIp.slice(7) : clientIp;
  const version = isIP(address);
  if (version === 0) return false;
  return list.check(address, version === 6 ? 'ipv6' : 'ipv4');
}

describe('AddressMatcher', () => {
  it.each([
    [['10.0.0.0/8'], '10.1.2.3', true],
    [['10.0.0.0/8'], '11.0.0.1', false],
    [['203.0.113.7'], '203.0.113.7', true],
    [['203.0.113.7'], '203.0.113.8', false],
    [['0.0.0.0/0'], '198.51.100.1', true],
    [['0.0.0.0/0'], '2001:db8::1', false],
    [['10.0.0.0/8'], '::ffff:10.0.0.1', true],
    [['10.0.0.0/8'], '::FFFF:10.0.0.1', true],
    [['10.0.0.0/8'], '::ffff:a00:1', true],
    [['2001:db8::/32'], '2001:DB8:0:0::1', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['fe80::/10'], 'fe80::1%eth0', true],
    [['::/0'], '192.0.2.1', true],
    [['::ffff:0:0/95'], '192.0.2.1', true],
    [['10.0.0.0/8'], '10.0.0.0/8', false],
    [['10.0.0.0/8'], '010.0.0.1', false],
    [['10.0.0.0/8'], ' 10.0.0.1', false],
    [['10.0.0.0/8'], '10.0.0.1%eth0', false],
    [['10.0.0.0/8'], 'localhost', false],
    [['10.0.0.0/8'], '', false],
    [['10.0.0.0/8'], null, false],
  ])('%j allows %j: %s', (allowed, client, expected) => {
    const list = normaliseAllowedIps(allowed);
    expect(new AddressMatcher(list).allows(client)).toBe(expected);
    expect(blockListAllows(list, client)).toBe(expected);
  });

  it('answers as node:net BlockList did for 30,000 random clients against random allow-lists', () => {
    let seed = 11;
    const random = (n: number) => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0), seed % n);
    const pick = <T>(items: readonly T[]): T => items[random(items.length)];
    const octet = () => String(pick([0, 1, 10, 127, 192, 203, 255, random(256)]));
    const quad = () => [octet(), octet(), octet(), octet()].join('.');
    const group = () => pick(['0', '1', 'db8', '2001', 'fe80', 'ffff', 'FFFF', 'a', random(65536).toString(16)]);
    const ipv6 = (): string => {
      const groups = Array.from({ length: 8 }, group);
      const shape = random(6);
      if (shape === 0) return groups.join(':');
      if (shape === 1) return `${groups.slice(0, random(7)).join(':')}::${groups.slice(0, random(3)).join(':')}`;
      if (shape === 2) return `::ffff:${quad()}`;
      if (shape === 3) return `${pick(['::', '::FFFF:', '64:ff9b::', '1:2:3:4:5:6:'])}${quad()}`;
      if (shape === 4) return `${groups.slice(0, 3).join(':')}::${random(2) ? '1' : ''}${pick(['', '%eth0', '%1', '%'])}`;
      return `::ffff:${group()}:${group()}`;
    };
    const client = (): string => {
      const shape = random(12);
      if (shape < 5) return quad();
      if (shape < 10) return ipv6();
      return pick([`0${quad()}`, `${quad()}/24`, ` ${quad()}`, `[${ipv6()}]`, 'not-an-ip', '', `${quad()}:80`, `${ipv6()}/64`]);
    };
    const rule = (): string => {
      const shape = random(6);
      if (shape === 0) return quad();
      if (shape === 1) return `${quad()}/${random(33)}`;
      if (shape === 2) return `${quad()}/${pick([0, 8, 16, 24])}`;
      if (shape === 3) return `::ffff:${quad()}/${96 + random(33)}`;
      if (shape === 4) return pick(['::/0', '::ffff:0:0/95', '::/80', '2001:db8::/32', 'fe80::/10', '64:ff9b::/96', '::1']);
      return `${Array.from({ length: 8 }, group).join(':')}/${random(129)}`;
    };
    let allowed = 0;
    for (let i = 0; i < 30_000; i++) {
      const list = normaliseAllowedIps(Array.from({ length: 1 + random(3) }, rule));
      const address = client();
      const expected = blockListAllows(list, address);
      if (expected) allowed++;
      expect([list, address, new AddressMatcher(list).allows(address)]).toEqual([list, address, expected]);
    }
    // Both answers occur often enough for the comparison to mean something.
    expect(allowed).toBeGreaterThan(3_000);
    expect(allowed).toBeLessThan(27_000);
  });
});
