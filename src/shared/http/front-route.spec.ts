import { requestTarget } from './front-route.js';

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
  ])('%s is path %s and query %s', (url, path, query) => {
    expect(requestTarget(url)).toEqual({ path, query });
  });
});
