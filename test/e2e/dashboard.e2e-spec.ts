import request from 'supertest';
import { DASHBOARD_CONTENT_SECURITY_POLICY } from '../../src/dashboard/dashboard-security-headers.js';
import { PAGE_PERMISSIONS_POLICY } from '../../src/shared/http/page-security-headers.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The files behind /dashboard, without a browser: headers, caching, the allow-list. The browser suite drives the page. */
describe('Dashboard files', () => {
  let t: TestApp;
  let assets: string;

  beforeAll(async () => {
    t = await startTestApp();
    const page = await request(t.http).get('/dashboard').expect(200);
    assets = /src="(\/dashboard\/assets\/[0-9a-f]{16})\/main\.js"/.exec(page.text)![1];
  });
  afterAll(() => t.destroy());

  const expectDashboardHeaders = (res: request.Response) => {
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    // Until 2026-12-07 without these three: no opener handle for another site's window, no powerful feature, no framing in old browsers.
    expect([res.headers['cross-origin-opener-policy'], res.headers['permissions-policy'], res.headers['x-frame-options']]).toEqual([
      'same-origin',
      PAGE_PERMISSIONS_POLICY,
      'DENY',
    ]);
    expect(PAGE_PERMISSIONS_POLICY).toMatch(/^accelerometer=\(\), .*camera=\(\), .*geolocation=\(\), .*microphone=\(\), .*usb=\(\)/);
  };

  it('serves the page without a key, under a CSP that allows only its own files, and always revalidated', async () => {
    const res = await request(t.http).get('/dashboard').expect(200).expect('Content-Type', 'text/html; charset=utf-8');
    expectDashboardHeaders(res);
    expect(DASHBOARD_CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)/i);
    expect(res.text).not.toMatch(/\sstyle=|<style/i);
    await request(t.http).get('/dashboard/').expect(200);
  });

  it('serves every module the page loads, with its content type, cached for good under the build version', async () => {
    const seen = new Set<string>();
    const pending = ['main.js', 'dashboard.css', 'favicon.svg'];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const res = await request(t.http).get(`${assets}/${name}`).expect(200);
      expectDashboardHeaders(res);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const type = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' }[name.split('.').pop()!];
      expect(res.headers['content-type']).toBe(type);
      for (const [, imported] of (res.text ?? '').matchAll(/(?:from|import)\s*'(\.{1,2}\/[^']+)'/g)) {
        pending.push(new URL(imported, `http://x/${name}`).pathname.slice(1));
      }
    }
    expect(seen.size).toBeGreaterThan(10);
  });

  it('answers 404 for anything outside the build, an old version, or a path that tries to climb out', async () => {
    const version = assets.split('/').pop();
    const attempts = [
      `${assets}/index.html`,
      `${assets}/../../../package.json`,
      `${assets}/..%2f..%2f..%2fpackage.json`,
      `${assets}/%2e%2e/%2e%2e/dashboard/dashboard.module.js`,
      `${assets}/..\\..\\main.js`,
      `${assets}/main.ts`,
      `/dashboard/assets/0000000000000000/main.js`,
      `/dashboard/assets/${version}`,
      '/dashboard/assets',
      '/dashboard/assets/',
      '/dashboard/x',
    ];
    for (const path of attempts) {
      const res = await request(t.http).get(path);
      expect([path, res.status]).toEqual([path, 404]);
      // The dashboard's headers on its 404s too, those of paths no route serves included.
      expect([path, res.headers['content-security-policy'], res.headers['x-content-type-options']]).toEqual([path, expect.stringContaining("default-src 'none'"), 'nosniff']);
    }
  });

  it('sends its headers on the 405s of the methods it does not serve too', async () => {
    const page = (await request(t.http).get('/dashboard').expect(200)).text;
    const main = /src="(\/dashboard\/assets\/[0-9a-f]{16}\/main\.js)"/.exec(page)![1];
    const attempts: [string, string][] = [
      ['POST', '/dashboard'],
      ['PUT', '/dashboard'],
      ['DELETE', '/dashboard'],
      ['OPTIONS', '/dashboard'],
      ['PATCH', '/Dashboard/'],
      ['POST', main],
    ];
    for (const [method, path] of attempts) {
      const res = await request(t.http)[method.toLowerCase() as 'post'](path);
      expect([method, path, res.status, res.headers.allow]).toEqual([method, path, 405, 'GET, HEAD']);
      expectDashboardHeaders(res);
    }
  });

  it('stays out of the OpenAPI document', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/dashboard'))).toEqual([]);
  });
});
