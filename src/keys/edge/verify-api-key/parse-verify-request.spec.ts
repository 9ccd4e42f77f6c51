import { parseVerifyRequest } from './parse-verify-request.js';

describe('parseVerifyRequest', () => {
  it('accepts a key with or without a context', () => {
    expect(parseVerifyRequest({ key: 'sk_x' })).toEqual({ key: 'sk_x' });
    const context = { ip: '2001:db8::1', method: 'POST', path: '/v1/parses', user_agent: 'sdk/1' };
    expect(parseVerifyRequest({ key: 'sk_x', context })).toEqual({ key: 'sk_x', context });
  });

  it('counts lengths in characters, as the OpenAPI maxLength does', () => {
    const path = `/${'🔑'.repeat(511)}`;
    expect(parseVerifyRequest({ key: '🔑'.repeat(256), context: { path } })).toEqual({ key: '🔑'.repeat(256), context: { path } });
  });

  it.each([
    [null, 'The request body must be a JSON object.'],
    [[], 'The request body must be a JSON object.'],
    [5, 'The request body must be a JSON object.'],
    ['x', 'The request body must be a JSON object.'],
    [{}, 'key must be a string of at most 256 characters'],
    [{ key: 42 }, 'key must be a string of at most 256 characters'],
    [{ key: 'x'.repeat(257) }, 'key must be a string of at most 256 characters'],
    [{ key: '🔑'.repeat(257) }, 'key must be a string of at most 256 characters'],
    [{ key: 'k', admin: true }, 'admin is not a known field'],
    [{ key: 'k', context: 'x' }, 'context must be an object'],
    [{ key: 'k', context: null }, 'context must be an object'],
    [{ key: 'k', context: { ip: 'not-an-ip' } }, 'context.ip must be an IPv4 or IPv6 address'],
    [{ key: 'k', context: { ip: '' } }, 'context.ip must be an IPv4 or IPv6 address'],
    [{ key: 'k', context: { ip: 'fe80::1%eth0' } }, 'context.ip must be an IPv4 or IPv6 address'],
    [{ key: 'k', context: { ip: null } }, 'context.ip must be a string of at most 64 characters'],
    [{ key: 'k', context: { method: 'x'.repeat(17) } }, 'context.method must be a string of at most 16 characters'],
    [{ key: 'k', context: { colour: 'red' } }, 'context.colour is not a known field'],
    [{ key: 'k', '': 1, context: { '': 1 } }, 'context."" is not a known field; "" is not a known field'],
    [{ key: 5, context: { ip: 'x' }, admin: 1 }, 'key must be a string of at most 256 characters; context.ip must be an IPv4 or IPv6 address; admin is not a known field'],
    // Unknown fields last, wherever they are in the body, as on every other route (api.md, Validation).
    [
      { admin: 1, context: { colour: 'red', ip: 'x' }, required_permissions: 5, key: 5 },
      'key must be a string of at most 256 characters; context.ip must be an IPv4 or IPv6 address; required_permissions must be an array of at most 50 permissions ("*" or "<resource>:<action>", such as "parses:write"); context.colour is not a known field; admin is not a known field',
    ],
  ])('refuses %j with one message per invalid field', (body, message) => {
    expect(() => parseVerifyRequest(body)).toThrow(new Error(message));
  });
});
