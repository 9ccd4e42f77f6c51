import { generateApiKey } from '../../keys/domain/api-key-secret.js';
import { forwardedAddress } from './forwarded-address.js';

describe('forwardedAddress', () => {
  it('keeps IPv4 and IPv6 addresses as they are', () => {
    for (const address of ['198.51.100.7', '2001:db8::1', '::ffff:192.0.2.1', 'fe80::1%eth0']) expect(forwardedAddress(address)).toBe(address);
  });

  it('drops the port a proxy may write after an address (203.0.113.7:54321, [2001:db8::1]:443), and the brackets', () => {
    expect(forwardedAddress('203.0.113.7:54321')).toBe('203.0.113.7');
    expect(forwardedAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(forwardedAddress('[2001:db8::1]')).toBe('2001:db8::1');
    expect(forwardedAddress('[::ffff:192.0.2.1]:80')).toBe('::ffff:192.0.2.1');
    for (const text of ['203.0.113.7:', '203.0.113.7:123456', '999.0.113.7:80', '[2001:db8::1', '[203.0.113.7]:80', '2001:db8::1:443:x']) {
      expect(forwardedAddress(text)).toBe(text);
    }
  });

  it('redacts a key and cuts anything else that is not an address, so it can be logged and used as a limiter key', () => {
    const key = generateApiKey();
    expect(forwardedAddress(key)).toBe(`${key.slice(0, 12)}…[redacted]`);
    expect(forwardedAddress(`%73k_${key.slice(3)}`)).toBe(`${key.slice(0, 12)}…[redacted]`);
    expect(forwardedAddress('unknown')).toBe('unknown');
    expect(forwardedAddress('x'.repeat(5000))).toBe('x'.repeat(64));
  });
});
