import request from 'supertest';
import { bearer } from '../support/auth.js';
import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { focused, keyRow, openKeyPage, signIn, statusRegion, useDashboard } from '../support/dashboard.js';

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

    it('makes no second key when a creation or a roll whose answer was lost is tried again (the same Idempotency-Key)', async () => {
      const rolled = await d.createKey('Rolled, answer lost');
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const sent: (string | null)[] = [];
      page.on('request', (sentRequest) => {
        if (sentRequest.method() === 'POST') sent.push(sentRequest.headers()['idempotency-key'] ?? null);
      });
      // The service makes the key; its answer is lost on the way (a dropped connection).
      const loseAnswer = (method: string) => async (route: import('playwright-core').Route) => {
        if (route.request().method() !== method) return route.continue();
        await route.fetch();
        await route.abort('connectionreset');
      };
      await page.route('**/v1/api-keys', loseAnswer('POST'), { times: 1 });
      await page.getByLabel('Name').fill('Answer lost');
      await page.getByRole('button', { name: 'Create key' }).click();
      await statusRegion(page).getByText('Could not reach the service').waitFor();
      await page.getByRole('button', { name: 'Create key' }).click();
      const key = await page.getByRole('region', { name: 'Key “Answer lost” created' }).getByLabel('Your new API key').inputValue();
      const listed = await request(d.t.http).get('/v1/api-keys?limit=100').set(bearer(d.admin)).expect(200);
      expect(listed.body.data.filter((listedKey: { name: string }) => listedKey.name === 'Answer lost')).toHaveLength(1);
      await request(d.t.http).get('/v1/whoami').set(bearer(key)).expect(200);
      expect(sent).toEqual([expect.stringMatching(/^dashboard-[0-9a-f]{32}$/), sent[0]]);

      // A roll: the successor made, its answer lost; rolled again from a new dialog, the same successor (not 409 "already rolled").
      const details = await openKeyPage(page, rolled);
      await page.route(`**/v1/api-keys/${rolled.id}/roll`, loseAnswer('POST'), { times: 1 });
      for (let attempt = 0; attempt < 2; attempt++) {
        await details.getByRole('button', { name: 'Roll' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Roll key' }).click();
        if (attempt === 0) await statusRegion(page).getByText('Could not reach the service').waitFor();
      }
      const successor = await page.getByRole('region', { name: /^New key for “Rolled, answer lost”/ }).getByLabel('Your new API key').inputValue();
      const whoami = await request(d.t.http).get('/v1/whoami').set(bearer(successor)).expect(200);
      expect(whoami.body.name).toBe('Rolled, answer lost');
      expect(sent.slice(2)).toEqual([expect.stringMatching(/^dashboard-[0-9a-f]{32}$/), sent[2]]);
      expect(sent[2]).not.toBe(sent[0]);
      expect(unexpectedProblems(problems, [/net::ERR_CONNECTION_RESET/])).toEqual([]);
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
