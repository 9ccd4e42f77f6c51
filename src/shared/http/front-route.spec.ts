import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import { clientAddress, requestTarget } from './front-route.js';

describe('requestTarget', () => {
  it.each([
    ['/v1/keys/verify', '/v1/keys/verify', ''],
    ['/v1/api-keys?limit=5&status=active', '/v1/api-keys', 'limit=5&status=active'],
    ['/v1/api-keys?', '/v1/api-keys', ''],
    ['/v1/api-keys?a=1?b', '/v1/api-keys', 'a=1?b'],
    ['http://127.0.0.1:3000/v1/api-keys?limit=1', '/v1/api-keys', 'limit=1'],
    ['https://keys.example.com/v1/keys/verify', '/v1/keys/verify', ''],
    ['http://keys.example.com', '/', ''],
    ['http://keys.example.com?x=1', '/', 'x=1'],
    ['*', '*', ''],
    // A fragment ends the target, as parseurl (express's reading) has it, wherever it stands.
    ['/v1/api-keys?limit=5#', '/v1/api-keys', 'limit=5'],
    ['/v1/api-keys#frag', '/v1/api-keys', ''],
    ['/v1/api-keys/x#frag?y', '/v1/api-keys/x', ''],
    ['/v1/a?b=1#c?d', '/v1/a', 'b=1'],
    ['/#', '/', ''],
    ['http://h:3/v1/x?y#z', '/v1/x', 'y'],
    ['http://h:3#z/v1', '/', ''],
  ])('%s is path %s and query %s', (url, path, query) => {
    expect(requestTarget(url)).toEqual({ path, query });
  });
});

describe('clientAddress', () => {
  const request = (forwardedFor?: string) =>
    ({
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
      socket: { remoteAddress: '127.0.0.1' },
      connection: { remoteAddress: '127.0.0.1' },
    }) as unknown as IncomingMessage;
  const trusts = {
    nobody: proxyaddr.compile([]),
    loopback: proxyaddr.compile('loopback'),
    'one hop': (_address: string, hop: number) => hop < 1,
    everybody: () => true,
  };

  it.each(Object.entries(trusts))('answers what proxy-addr answers (trusting %s)', (_name, trust) => {
    for (const forwardedFor of [undefined, '', '203.0.113.7', '10.0.0.1, 203.0.113.7', ' 198.51.100.2 ,10.0.0.3']) {
      const req = request(forwardedFor);
      expect(clientAddress(req, trust)).toBe(proxyaddr(req, trust));
    }
  });

  it('is the peer without X-Forwarded-For, the forwarded client behind a trusted proxy', () => {
    expect(clientAddress(request(), trusts.everybody)).toBe('127.0.0.1');
    expect(clientAddress(request('203.0.113.7'), trusts.loopback)).toBe('203.0.113.7');
    expect(clientAddress(request('203.0.113.7'), trusts.nobody)).toBe('127.0.0.1');
  });
});
