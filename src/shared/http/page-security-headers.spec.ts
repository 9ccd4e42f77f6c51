import type { Request, Response } from 'express';
import { pageSecurityHeaders, PAGE_PERMISSIONS_POLICY } from './page-security-headers.js';

/** The headers pageSecurityHeaders sets on an answer to a request of this host, over HTTPS or not. */
function headersFor(hostname: string, secure: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
  pageSecurityHeaders("default-src 'none'")({ hostname, secure } as Request, res, () => undefined);
  return headers;
}

describe('pageSecurityHeaders', () => {
  it('forbids framing and the powerful browser features everywhere', () => {
    for (const [host, secure] of [['keys.example.com', true], ['keys.example.com', false], ['localhost', false]] as const) {
      expect(headersFor(host, secure)).toMatchObject({ 'X-Frame-Options': 'DENY', 'Permissions-Policy': PAGE_PERMISSIONS_POLICY, 'Referrer-Policy': 'no-referrer' });
    }
  });

  // Chromium ignores the opener policy of a page that is not potentially trustworthy, with a console error on each
  // load (seen in the dashboard-copy browser suite, plain HTTP to keys.dashboard.test): sent only where it is honoured.
  it.each([
    ['keys.example.com', true, 'same-origin'],
    ['localhost', false, 'same-origin'],
    ['dash.localhost', false, 'same-origin'],
    ['127.0.0.1', false, 'same-origin'],
    ['[::1]', false, 'same-origin'],
    ['keys.example.com', false, undefined],
    ['10.0.0.5', false, undefined],
  ])('Cross-Origin-Opener-Policy for %s (HTTPS: %s): %s', (host, secure, policy) => {
    expect(headersFor(host, secure)['Cross-Origin-Opener-Policy']).toBe(policy);
  });
});
