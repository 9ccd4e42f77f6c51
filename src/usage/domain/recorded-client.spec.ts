import { minimisedClient, recordedAddress } from './recorded-client.js';

describe('recorded client details (RECORD_CLIENT_ADDRESS, RECORD_USER_AGENT)', () => {
  it('records the address whole, as its network (/24, /48) or not at all', () => {
    const addresses = ['203.0.113.77', '2001:db8:1:2::7', 'not-an-address'];
    expect(addresses.map((ip) => recordedAddress(ip, 'full'))).toEqual(addresses);
    expect(addresses.map((ip) => recordedAddress(ip, 'network'))).toEqual(['203.0.113.0', '2001:db8:1::', null]);
    expect(addresses.map((ip) => recordedAddress(ip, 'none'))).toEqual([null, null, null]);
    expect(recordedAddress(null, 'network')).toBeNull();
  });

  it('leaves the other details as they are, and keeps the same object when it keeps everything', () => {
    const use = { keyId: 'k', ip: '203.0.113.77', userAgent: 'Mozilla/5.0 alice', path: '/v1/x' };
    expect(minimisedClient(use, { address: 'full', userAgent: true })).toBe(use);
    expect(minimisedClient(use, { address: 'network', userAgent: false })).toEqual({ keyId: 'k', ip: '203.0.113.0', userAgent: null, path: '/v1/x' });
    expect(minimisedClient(use, { address: 'none', userAgent: true })).toEqual({ keyId: 'k', ip: null, userAgent: 'Mozilla/5.0 alice', path: '/v1/x' });
    expect(use.ip).toBe('203.0.113.77');
  });
});
