import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { openKeyPage, signIn, useDashboard } from '../support/dashboard.js';

/** A name of 100 characters without a space: the longest the API takes, and no place for the browser to break it. */
const LONG_NAME = 'Q'.repeat(100);

whenChromium('Dashboard layout browser suite', () => {
  describe('Dashboard layout with a long key name', () => {
    const d = useDashboard();

    // 1280 a laptop; 1025 just above the width where the table becomes cards (1024 px), 961 above where it did (960 px),
    // though the table needed about 1,000 px; 375 a phone.
    it.each([1280, 1025, 961, 375])('never scrolls sideways at %i px: the list, the new key’s notice and the key’s page', async (width) => {
      const { page, problems } = await d.open({ width, height: 900 });
      await signIn(page, d.admin);
      const scrollWidth = () => page.evaluate<number>('document.documentElement.scrollWidth');

      await page.getByLabel('Name').fill(LONG_NAME);
      await page.getByRole('button', { name: 'Create key' }).click();
      const created = page.locator('tr.key-row', { hasText: LONG_NAME }).first();
      await created.getByRole('img').waitFor();
      expect(await scrollWidth()).toBeLessThanOrEqual(width);

      const id = await created.getAttribute('data-key-id');
      await openKeyPage(page, { id: id ?? '' });
      await page.locator('.timeline__item').first().waitFor();
      expect(await scrollWidth()).toBeLessThanOrEqual(width);
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
