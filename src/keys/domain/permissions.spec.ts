import { missingPermissions } from './permissions.js';

describe('missingPermissions', () => {
  it('names each permission the key lacks once, in the order required, whatever covers the others', () => {
    expect(missingPermissions(['keys:*', 'parses:read'], ['parses:write', 'keys:write', 'parses:write', '*', 'parses:read'])).toEqual([
      'parses:write',
      '*',
    ]);
    expect(missingPermissions(['*'], ['parses:write', 'parses:write'])).toEqual([]);
  });
});
