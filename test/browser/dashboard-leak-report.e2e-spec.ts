import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { openKeyPage, signIn, useDashboard } from '../support/dashboard.js';
import { FakeScanner } from '../support/fake-secret-scanner.js';
import { makeTempDir } from '../support/temp-dir.js';

/** A key a secret scanner reported: its page says where it was found and what was done, and the alert names it. */
whenChromium('Dashboard leak report browser suite', () => {
  describe('Dashboard: a key reported by a secret scanner', () => {
    const dir = makeTempDir('scan-keys-dashboard');
    const keysFile = join(dir.path, 'secret_scanning.json');
    let scanner: FakeScanner;
    beforeAll(async () => {
      scanner = await FakeScanner.start();
      writeFileSync(keysFile, scanner.document);
    });
    afterAll(async () => {
      await scanner.close();
      dir.remove();
    });
    const d = useDashboard({ env: { SECRET_SCANNING_PUBLIC_KEYS: keysFile } });

    it('shows the report in the key’s history, the revocation as its doing, and a “Key found in public” alert', async () => {
      const key = await d.createKey('Committed by mistake');
      await scanner.post(d.baseURL, [{ token: key.key, type: 'parsesphere_api_key', url: 'https://github.com/octocat/hello/blob/abc/.env', source: 'content' }]).expect(200);
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await openKeyPage(page, key);
      const report = page.locator('.timeline__item', { has: page.locator('.timeline__type', { hasText: 'Found in public' }) });
      await report.waitFor();
      expect(await report.locator('.timeline__summary').textContent()).toBe(
        'A secret scanner (github) found this key’s secret in public: https://github.com/octocat/hello/blob/abc/.env. The key was revoked at once: roll out a new key where it was used.',
      );
      const revoked = page.locator('.timeline__item', { has: page.locator('.timeline__type', { hasText: /^Revoked$/ }) });
      expect(await revoked.locator('.timeline__summary').textContent()).toBe('By the secret scanning report above.');
      await page.goto('/dashboard#/alerts');
      await page.getByText('Key found in public').first().waitFor();
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('shows a reported place’s bidi controls as codes in the alert, so the words after it read as sent', async () => {
      const key = await d.createKey('Pasted in a gist');
      const url = 'https://github.com/octocat/hello/blob/abc/\u202Ecod.env';
      await scanner.post(d.baseURL, [{ token: key.key, type: 'parsesphere_api_key', url, source: 'content' }]).expect(200);
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await page.goto('/dashboard#/alerts');
      await page.getByText('https://github.com/octocat/hello/blob/abc/\\u202Ecod.env').first().waitFor();
      expect(await page.evaluate<boolean>(`document.querySelector('main').textContent.includes('\u202E')`)).toBe(false);
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
