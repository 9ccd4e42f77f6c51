import { parseIpNetwork } from '../domain/allowed-ips.js';
import { IPV4_CIDR, IPV6_CIDR } from './key-policy.dto.js';

describe('the CIDR patterns of the OpenAPI document', () => {
  const documented = (text: string) => new RegExp(IPV4_CIDR).test(text) || new RegExp(IPV6_CIDR).test(text);

  it.each([
    '203.0.113.0/24',
    '10.0.0.0/8',
    '0.0.0.0/0',
    '2001:db8::/32',
    '2001:DB8:0:0:0:0:0:0/128',
    '::/0',
    '::1/128',
    'fe80::/10',
    '1:2:3:4:5:6:7::/112',
    '::ffff:192.0.2.0/120',
    '64:ff9b::192.0.2.1/128',
    '1:2:3:4:5:6:192.0.2.1/96',
  ])('take %s, a block the service takes', (text) => {
    expect(parseIpNetwork(text)).not.toBeNull();
    expect(documented(text)).toBe(true);
  });

  it.each([
    '203.0.113.0/33',
    '203.0.113.0/024',
    '256.0.0.0/8',
    '2001:db8::/129',
    '2001:db8::/0128',
    '2001:db8:::/32',
    '1:2:3:4:5:6:7:8:9/64',
    '2001:db8::g/64',
    '1:2:3:4:5:6:7:192.0.2.1/64',
    '2001:db8::/',
    '2001:db8::1%eth0/64',
  ])('refuse %s, a block the service refuses', (text) => {
    expect(parseIpNetwork(text)).toBeNull();
    expect(documented(text)).toBe(false);
  });
});
