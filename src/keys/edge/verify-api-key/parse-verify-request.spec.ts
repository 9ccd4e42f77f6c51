import { parseVerifyRequest } from './parse-verify-request.js';

describe('parseVerifyRequest', () => {
  it('accepts a key with or without a context', () => {
    expect(parseVerifyRequest({ key: 'sk_x' })).toEqual({ key: 'sk_x' });
    const context = { ip: '2001:db8::1', method: 'POST', path: '/v1/parses', user_agent: 'sdk/1' };
    expect(parseVerifyRequest({ key: 'sk_x', context })).toEqual({ key: 'sk_x', context });
  });

  it.each([
    [null, /JSON object/],
    [[], /JSON object/],
    [{}, /key must be a string/],
    [{ key: 42 }, /key must be a string/],
    [{ key: 'x'.repeat(257) }, /key must be a string/],
    [{ key: 'k', admin: true }, /admin: property admin should not exist/],
    [{ key: 'k', context: 'x' }, /context must be an object/],
    [{ key: 'k', context: { ip: 'not-an-ip' } }, /context\.ip must be an ip address/],
    [{ key: 'k', context: { method: 'x'.repeat(17) } }, /context\.method must be a string/],
    [{ key: 'k', context: { colour: 'red' } }, /context\.colour: property colour should not exist/],
  ])('refuses %j naming the field', (body, message) => {
    expect(() => parseVerifyRequest(body)).toThrow(message);
  });
});
