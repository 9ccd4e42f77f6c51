import { decodablePathTarget } from './undecodable-path.middleware.js';

describe('decodablePathTarget', () => {
  it.each([
    ['/v1/api-keys/%', '/v1/api-keys/%25'],
    ['/v1/api-keys/%ZZ/events?limit=5', '/v1/api-keys/%25ZZ/events?limit=5'],
    ['/v1/api-keys/%FF/roll', '/v1/api-keys/%25FF/roll'],
    // Only the segment that does not decode: the others keep their escapes.
    ['/v1/a%20b/%E0%A4%A', '/v1/a%20b/%25E0%25A4%25A'],
    ['/v1/api-keys/%#frag%', '/v1/api-keys/%25#frag%'],
    ['http://host:3000/v1/api-keys/%?q=%', 'http://host:3000/v1/api-keys/%25?q=%'],
  ])('escapes the %% of the segments of %s that do not decode', (target, escaped) => {
    expect(decodablePathTarget(target)).toBe(escaped);
    expect(() => decodeURIComponent(escaped.split(/[?#]/)[0])).not.toThrow();
  });

  it.each(['/v1/api-keys', '/v1/api-keys/550e8400-e29b-41d4-a716-446655440000', '/v1/a%20b', '/v1/api-keys?q=%'])('leaves %s as it is', (target) => {
    expect(decodablePathTarget(target)).toBeNull();
  });
});
