import { generateApiKey } from '../../keys/domain/api-key-secret.js';
import { requestIdFrom, requestIdReader } from './request-id.js';

describe('requestIdFrom', () => {
  it('keeps a well-formed incoming id, for tracing across services', () => {
    expect(requestIdFrom('gateway-trace.0042_x')).toBe('gateway-trace.0042_x');
  });

  it.each([[undefined], [''], ['short'], ['has space in it'], ['x'.repeat(129)], [['two', 'values']], [generateApiKey()], [`trace-${generateApiKey()}`]])(
    'makes a fresh random id instead of %p',
    (incoming) => {
      const made = requestIdFrom(incoming);
      expect(made).toMatch(/^req_[0-9a-f]{32}$/);
      expect(requestIdFrom(incoming)).not.toBe(made);
    },
  );

  it.each([['gateway-credential-0123456789'], ['trace.gateway-credential-0123456789.7'], ['GATEWAY-CREDENTIAL-0123456789']])(
    'makes a fresh id instead of %p, which holds a configured secret',
    (incoming) => {
      const requestIdOf = requestIdReader(['gateway-credential-0123456789']);
      expect(requestIdOf(incoming)).toMatch(/^req_[0-9a-f]{32}$/);
      expect(requestIdOf('gateway-trace-0042')).toBe('gateway-trace-0042');
    },
  );
});
