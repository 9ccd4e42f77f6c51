import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { focused, keyRow, signIn, useDashboard } from '../support/dashboard.js';

whenChromium('Dashboard new key browser suite', () => {
  describe('A key shown once, in headless Chromium', () => {
    const d = useDashboard();

    it('stays on screen when the user moves to another screen (a link, the Back button) until hidden', async () => {
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await page.getByLabel('Name').fill('Kept across screens');
      await page.getByRole('button', { name: 'Create key' }).click();
      const field = page.getByLabel('Your new API key');
      const key = await field.inputValue();
      expect(key).toMatch(/^sk_[0-9A-Za-z]{38}$/);

      await page.getByRole('link', { name: 'Alerts', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
      expect(await field.inputValue()).toBe(key);

      await page.goBack();
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      expect(await field.inputValue()).toBe(key);

      const created = page.locator('tr.key-row', { hasText: 'Kept across screens' });
      await keyRow(page, (await created.getAttribute('data-key-id')) ?? '').locator('th a').click();
      await page.getByRole('region', { name: 'Details' }).waitFor();
      expect(await field.inputValue()).toBe(key);
      // Under the screen's heading, never inside its header row.
      expect(await page.evaluate<string>(`document.querySelector('[data-one-time-secret]').previousElementSibling.className`)).toBe('view-header');

      await page.getByRole('button', { name: 'I have stored it: hide the key' }).click();
      expect(await page.locator('[data-one-time-secret]').count()).toBe(0);
      expect(await focused(page)).toMatch(/^h1: Key “Kept across screens”$/);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('keeps a key shown when another is created before it is hidden, and both across screens', async () => {
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const shown = () => page.locator('[data-one-time-secret] input').evaluateAll((fields) => fields.map((field) => (field as unknown as { value: string }).value));
      await page.getByLabel('Name').fill('First of two');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('region', { name: 'Key “First of two” created' }).waitFor();
      const [first] = await shown();
      await page.getByLabel('Name').fill('Second of two');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('region', { name: 'Key “Second of two” created' }).waitFor();
      const [second] = await shown();
      expect(await shown()).toEqual([second, first]);

      await page.getByRole('link', { name: 'Alerts', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
      expect(await shown()).toEqual([second, first]);
      await page.getByRole('region', { name: 'Key “Second of two” created' }).getByRole('button', { name: 'I have stored it: hide the key' }).click();
      expect(await shown()).toEqual([first]);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('has the browser ask before a reload removes a key shown, and not once it is hidden', async () => {
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await page.getByLabel('Name').fill('Kept across a reload');
      await page.getByRole('button', { name: 'Create key' }).click();
      const field = page.getByLabel('Your new API key');
      const key = await field.inputValue();
      const asked = page.waitForEvent('dialog');
      await page.evaluate('setTimeout(() => location.reload())');
      const dialog = await asked;
      expect(dialog.type()).toBe('beforeunload');
      await dialog.dismiss();
      expect(await field.inputValue()).toBe(key);

      await page.getByRole('button', { name: 'I have stored it: hide the key' }).click();
      const dialogs: string[] = [];
      page.on('dialog', (shown) => {
        dialogs.push(shown.type());
        void shown.dismiss();
      });
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      expect(dialogs).toEqual([]);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('takes a name of 100 characters counted as the API counts them (100 emoji: 200 UTF-16 units), and refuses 101', async () => {
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await page.getByLabel('Name').fill('🔑'.repeat(101));
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByText('The name can have at most 100 characters.').waitFor();

      await page.getByLabel('Name').fill('🔑'.repeat(100));
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('region', { name: `Key “${'🔑'.repeat(100)}” created` }).waitFor();
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
