import request from 'supertest';
import { bearer } from '../support/auth.js';
import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { keyRow, openKeyPage, signIn, useDashboard } from '../support/dashboard.js';

/** A name of 100 characters without a space: the longest the API takes, and no place for the browser to break it. */
const LONG_NAME = 'Q'.repeat(100);

whenChromium('Dashboard layout browser suite', () => {
  describe('Dashboard layout with long names and badges', () => {
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

    // "expires in 59 minutes", the longest badge, beside "disabled": wider than a phone's Status column of a key's page.
    it.each([1280, 375])('never scrolls sideways at %i px for a key that ends within the hour, in the list and on its page', async (width) => {
      const ending = await d.createKey('Ends soon', { expires_in_seconds: 3540 });
      await request(d.t.http).post(`/v1/api-keys/${ending.id}/disable`).set(bearer(d.admin)).expect(200);
      const { page, problems } = await d.open({ width, height: 900 });
      await signIn(page, d.admin);
      const scrollWidth = () => page.evaluate<number>('document.documentElement.scrollWidth');
      await keyRow(page, ending.id).getByText('expires in 59 minutes').waitFor();
      expect(await scrollWidth()).toBeLessThanOrEqual(width);

      const details = await openKeyPage(page, ending);
      await details.getByText('expires in 59 minutes').waitFor();
      expect(await scrollWidth()).toBeLessThanOrEqual(width);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    // Below 1024 px each cell shows its column's name for the eye, and the hidden headers name it for a screen reader:
    // the label was read too, every cell said with its column twice ("Prefix, Prefix sk_…").
    it('gives a key card’s cell labels to the eye only at 375 px, the column headers naming the cells', async () => {
      const key = await d.createKey('Card read once');
      const { page, problems } = await d.open({ width: 375, height: 800 });
      await signIn(page, d.admin);
      const row = keyRow(page, key.id);
      await row.waitFor();
      const label = `getComputedStyle(document.querySelector('tr[data-key-id="${key.id}"] td[data-label="Prefix"]'), '::before').content`;
      expect(await page.evaluate<string>(label)).toMatch(/^"Prefix"/);
      expect(await page.getByRole('row', { name: /^Card read once sk_/ }).count()).toBe(1);
      expect(await row.getByRole('cell', { name: `${key.prefix}…`, exact: true }).count()).toBe(1);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    // A low-vision user's browser set to a 32 px font (200 % of 16): the page took 16 px whatever the setting.
    it('follows the font size set in the browser, 200 % of the usual, and still never scrolls sideways at 1280 px', async () => {
      const { context, page, problems } = await d.open({ width: 1280, height: 900 });
      await (await context.newCDPSession(page)).send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
      await signIn(page, d.admin);
      const sizes = await page.evaluate<string[]>(
        `[document.documentElement, document.querySelector('h2'), document.querySelector('tr.key-row a')].map((e) => getComputedStyle(e).fontSize)`,
      );
      expect(sizes).toEqual(['32px', '38.4px', '32px']);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    // 320 px: the width WCAG's reflow asks for (1280 px at 400 %). The page did not scroll, but a card's 120 px chart
    // and its prefix ran past the card's right edge, the chart's latest hours outside it.
    it('keeps each key card’s content inside the card at 320 px: its prefix and its chart', async () => {
      const used = await d.createKey('Used at 320 px');
      await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(used.key)).expect(200);
      const { page, problems } = await d.open({ width: 320, height: 800 });
      await signIn(page, d.admin);
      const row = keyRow(page, used.id);
      await row.getByRole('img').waitFor();
      const outside = await row.evaluate((card) => {
        const edge = card.getBoundingClientRect();
        return [...card.querySelectorAll('th *, td *')]
          .filter((inside) => {
            const box = inside.getBoundingClientRect();
            return box.width > 0 && (box.right > edge.right + 0.5 || box.left < edge.left - 0.5);
          })
          .map((inside) => `${inside.tagName.toLowerCase()}: ${(inside.textContent ?? '').trim().slice(0, 30)}`);
      });
      expect(outside).toEqual([]);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
