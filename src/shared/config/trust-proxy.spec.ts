import { loadEnvironment } from './environment.js';
import { parseTrustProxy, TRUST_PROXY_RULE } from './trust-proxy.js';

describe('TRUST_PROXY', () => {
  it.each([
    ['false', false],
    ['1', 1],
    [' 2 ', 2],
    ['32', 32],
    ['loopback', ['loopback']],
    ['10.0.0.7', ['10.0.0.7']],
    ['10.0.0.0/8, 192.168.1.0/24,2001:db8::/32', ['10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32']],
    ['loopback,uniquelocal,linklocal', ['loopback', 'uniquelocal', 'linklocal']],
  ])('reads %j', (setting, expected) => {
    expect(parseTrustProxy(setting)).toEqual(expected);
  });

  it.each([['true'], ['0'], ['33'], ['-1'], ['1.5'], ['everyone'], ['10.0.0.0/33'], ['2001:db8::/129'], ['10.0.0/8'], ['10.0.0.1/8/1'], ['10.0.0.1,'], ['localhost']])(
    'refuses %j',
    (setting) => {
      expect(parseTrustProxy(setting)).toBeNull();
    },
  );

  it('trusts no proxy by default', () => {
    expect(loadEnvironment({}).TRUST_PROXY).toBe('false');
  });

  it('stops the start with the rule, never the value', () => {
    expect(() => loadEnvironment({ TRUST_PROXY: 'true' })).toThrow(`Invalid configuration: ${TRUST_PROXY_RULE}`);
    expect(() => loadEnvironment({ TRUST_PROXY: '10.0.0.0/99' })).toThrow(/^Invalid configuration: TRUST_PROXY must be false, loopback/);
  });
});

describe('Connection settings', () => {
  it('default to limits suitable behind a balancer', () => {
    expect(loadEnvironment({})).toMatchObject({
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000,
      HTTP_MAX_CONNECTIONS: 10_000,
    });
  });

  it('refuses a header timeout longer than the request timeout', () => {
    expect(() => loadEnvironment({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      'Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS',
    );
  });

  it.each([['HTTP_HEADERS_TIMEOUT_MS', '50'], ['HTTP_KEEP_ALIVE_TIMEOUT_MS', 'soon'], ['HTTP_MAX_CONNECTIONS', '0']])('refuses %s=%s', (name, value) => {
    expect(() => loadEnvironment({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name}`));
  });
});
