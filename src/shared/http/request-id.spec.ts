import { generateApiKey } from '../../keys/domain/api-key-secret.js';
import { requestIdFrom } from './request-id.js';

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
});
