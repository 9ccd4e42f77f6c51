import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium, openWatchedPage, whenChromium } from '../support/browser.js';
import { startTogether } from '../support/start-together.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

whenChromium('API docs browser suite', () => {
  describe('Swagger UI (/docs) in headless Chromium, under its CSP', () => {
    let t: TestApp;
    let browser: Browser;

    beforeAll(async () => {
      await startTogether([startTestApp().then((started) => (t = started)), launchChromium().then((launched) => (browser = launched))]);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await t?.destroy();
    });

    it.each(['/docs', '/docs/'])('renders %s, opens an operation, and the CSP refuses nothing', async (path) => {
      const { context, page, problems } = await openWatchedPage(browser, `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`);
      try {
        const answer = await page.goto(path);
        expect(answer?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
        await page.getByRole('heading', { name: /ParseSphere Keys/ }).waitFor();
        const operation = page.locator('.opblock-summary-path', { hasText: '/v1/api-keys/{api_key_id}/events' }).first();
        await operation.click();
        await page.getByRole('button', { name: 'Try it out' }).first().waitFor();
        await page.locator('.opblock-body .responses-table').first().waitFor();
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });
});
