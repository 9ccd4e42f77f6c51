import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { keyRow, signIn, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';

/** dashboard-ui/src/views/key-search-box.ts's SEARCH_DEBOUNCE_MS (that file needs the DOM's types, which the tests' build has not). */
const SEARCH_DEBOUNCE_MS = 300;

whenChromium('Dashboard key search browser suite', () => {
  describe('The key list searched by name or prefix, in headless Chromium', () => {
    const d = useDashboard();

    it('asks the API once typing settles, by the start of a name or a pasted prefix, with the status, and never sends a whole key', async () => {
      const eu = await d.createKey('Production EU');
      const us = await d.createKey('production US');
      const staging = await d.createKey('Staging');
      for (let i = 0; i < 3; i++) await d.createKey(`Other ${i}`);

      const { page, problems } = await d.open();
      const listings: URL[] = [];
      page.on('request', (sent) => {
        const url = new URL(sent.url());
        if (url.pathname === '/v1/api-keys' && sent.method() === 'GET') listings.push(url);
      });
      await page.clock.install();
      await signIn(page, d.admin);
      const rows = page.locator('tr.key-row');
      await eventually(async () => expect(await rows.count()).toBe(7));

      // A labelled search box, reached by its name; typing is held until it settles (the page's clock, paused).
      const box = page.getByRole('searchbox', { name: 'Search keys' });
      await page.clock.pauseAt(Date.now() + 60_000);
      listings.length = 0;
      await box.pressSequentially('PROD');
      await page.clock.runFor(SEARCH_DEBOUNCE_MS - 1);
      // A round trip to the page (its animation frames are the paused clock's too): a request sent by then is seen.
      await page.evaluate(() => fetch('/health').then((res) => res.status));
      expect(listings.map((url) => url.search)).toEqual([]);
      await page.clock.runFor(1);
      await page.clock.resume();
      await eventually(async () => expect(await rows.count()).toBe(2));
      await keyRow(page, eu.id).waitFor();
      await keyRow(page, us.id).waitFor();
      expect(listings.map((url) => url.searchParams.get('name_prefix'))).toEqual(['PROD']);

      // With the status: both go to the API.
      listings.length = 0;
      await page.getByLabel('Status', { exact: true }).selectOption('revoked');
      await page.getByText('No key name starts with “PROD”.').waitFor();
      expect(listings.map((url) => [url.searchParams.get('name_prefix'), url.searchParams.get('status')])).toEqual([['PROD', 'revoked']]);
      await page.getByLabel('Status', { exact: true }).selectOption('');

      // A prefix as a log line shows it, pasted and entered: the key it belongs to.
      listings.length = 0;
      await box.fill(`${staging.prefix}…[redacted]`);
      await box.press('Enter');
      await eventually(async () => expect(await rows.count()).toBe(1));
      await keyRow(page, staging.id).waitFor();
      expect(listings.at(-1)?.searchParams.get('prefix')).toBe(staging.prefix);

      // A whole key is refused on the page, said under the box, and sent nowhere.
      listings.length = 0;
      await box.fill(staging.key);
      await box.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'That looks like a whole API key: it was not sent.' }).waitFor();
      expect(await box.getAttribute('aria-invalid')).toBe('true');
      expect(listings.filter((url) => url.href.includes(staging.key.slice(12)))).toEqual([]);
      // Nor in a spelling that still reads as the key, as the service's redaction reads it (fullwidth, a zero-width
      // space inside, an escaped underscore): until 2026-12-07 each went out as name_prefix=.
      const fullwidth = [...staging.key].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
      for (const disguised of [fullwidth, `${staging.key.slice(0, 10)}\u200b${staging.key.slice(10)}`, staging.key.replace('_', '%5F')]) {
        await box.fill(disguised);
        await box.press('Enter');
        await page.getByRole('alert').filter({ hasText: 'That looks like a whole API key: it was not sent.' }).waitFor();
      }
      expect(listings.map((url) => url.search)).toEqual([]);

      // Emptied: every key again.
      await box.fill('');
      await box.press('Enter');
      await eventually(async () => expect(await rows.count()).toBe(7));
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
