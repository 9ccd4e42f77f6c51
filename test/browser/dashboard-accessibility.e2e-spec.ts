import type { Page } from 'playwright-core';
import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { signIn, useDashboard } from '../support/dashboard.js';

/** What the focused field's description says (its aria-describedby, as a screen reader reads it after the label). */
const focusedDescription = (page: Page) =>
  page.evaluate<string>(`(() => {
    const ids = (document.activeElement?.getAttribute('aria-describedby') ?? '').split(/\\s+/).filter(Boolean);
    return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ').replace(/\\s+/g, ' ').trim();
  })()`);

/** What a screen reader, keyboard-only or low-vision user meets: errors said where the focus is, nothing lost. */
whenChromium('Dashboard accessibility browser suite', () => {
  describe('Dashboard accessibility', () => {
    const d = useDashboard();

    it('says a rate limit field’s error in the description of the field it focuses, not only the hint', async () => {
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await page.getByLabel('Name').fill('Limited');
      await page.getByLabel('Requests allowed').fill('0');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByText('Requests allowed must be a whole number').waitFor();
      expect(await page.evaluate<string>(`document.activeElement.labels[0].textContent + ': ' + document.activeElement.getAttribute('aria-invalid')`)).toBe('Requests allowed: true');
      expect(await focusedDescription(page)).toContain('Requests allowed must be a whole number from 1 to 1,000,000.');

      await page.getByLabel('Requests allowed').fill('10');
      await page.getByLabel('Window in seconds').fill('90000');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByText('The window must be a whole number of seconds').waitFor();
      expect(await page.evaluate<string>(`document.activeElement.labels[0].textContent + ': ' + document.activeElement.getAttribute('aria-invalid')`)).toBe('Window in seconds: true');
      expect(await focusedDescription(page)).toContain('The window must be a whole number of seconds from 1 to 86,400.');
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
