import { failedWithStatus, unexpectedProblems, whenChromium } from '../support/browser.js';
import { signIn, statusRegion, text, useDashboard } from '../support/dashboard.js';

/** A name for the service that is not localhost: served over plain HTTP there, the page is not a secure context. */
const PLAIN_HTTP_HOST = 'keys.dashboard.test';

whenChromium('Dashboard copy browser suite', () => {
  describe('Dashboard on plain HTTP under a name other than localhost', () => {
    const d = useDashboard({ chromiumArgs: [`--host-resolver-rules=MAP ${PLAIN_HTTP_HOST} 127.0.0.1`] });

    it('has no clipboard there: “Copy key” selects the key and says to copy it with the keyboard, never to reload', async () => {
      const { page, problems } = await d.open(undefined, d.baseURL.replace('127.0.0.1', PLAIN_HTTP_HOST));
      await signIn(page, d.admin);
      expect(await page.evaluate<boolean>('window.isSecureContext')).toBe(false);
      await page.getByLabel('Name').fill('Copied by hand');
      await page.getByRole('button', { name: 'Create key' }).click();
      const field = page.getByLabel('Your new API key');
      const key = await field.inputValue();

      await page.getByRole('button', { name: 'Copy key' }).click();
      await statusRegion(page).getByText('Could not copy automatically').waitFor();
      expect(await text(statusRegion(page))).toBe('Could not copy automatically: the key is selected, copy it with your keyboard (Ctrl+C, or ⌘C on a Mac).');
      const selection = await page.evaluate<number[]>(`[document.activeElement.selectionStart, document.activeElement.selectionEnd]`);
      expect(await page.evaluate<string>('document.activeElement.value')).toBe(key);
      expect(selection).toEqual([0, key.length]);
      expect(unexpectedProblems(problems)).toEqual([]);

      // Whatever goes wrong while the key is shown, the advice is never to reload, which would remove it for good.
      await page.evaluate(`setTimeout(() => { throw new Error('boom'); })`);
      await statusRegion(page).getByText('Something went wrong').waitFor();
      expect(await text(statusRegion(page))).toBe(
        'Something went wrong in this page (boom). Copy the new key shown first: reloading the page removes it for good.',
      );
      expect(await field.inputValue()).toBe(key);
      expect(unexpectedProblems(problems, [/^uncaught: boom$/, failedWithStatus(401)])).toEqual([]);
    });
  });
});
