import request from 'supertest';
import { bearer } from '../support/auth.js';
import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { focused, keyRow, signIn, text, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';

whenChromium('Dashboard key status filter browser suite', () => {
  describe('The key list filtered by status, in headless Chromium', () => {
    const d = useDashboard();

    it('asks the API for the keys of the status chosen, page after page, and for all of them again', async () => {
      // 21 revoked keys (two pages of them), one disabled, one active, and the admin.
      const owner = await d.t.bootstrapKey('filtered', 'Filter admin');
      const make = async (name: string) => (await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name }).expect(201)).body;
      for (let i = 1; i <= 21; i++) await request(d.t.http).delete(`/v1/api-keys/${(await make(`Gone ${i}`)).id}`).set(bearer(owner.key)).expect(200);
      const disabled = await make('Paused one');
      await request(d.t.http).post(`/v1/api-keys/${disabled.id}/disable`).set(bearer(owner.key)).expect(200);
      const active = await make('Working one');

      const { page, problems } = await d.open();
      const listings: URL[] = [];
      page.on('request', (sent) => {
        const url = new URL(sent.url());
        if (url.pathname === '/v1/api-keys') listings.push(url);
      });
      await signIn(page, owner.key);
      const rows = page.locator('tr.key-row');
      await eventually(async () => expect(await rows.count()).toBe(20));
      const filter = page.getByLabel('Status', { exact: true });
      expect(await filter.evaluate((select) => select.tagName)).toBe('SELECT');
      expect(await filter.locator('option').allTextContents()).toEqual(['All', 'Active', 'Disabled', 'Expired', 'Revoked']);

      // A native select, labelled: reached and changed by keyboard; the focus stays on it once the list is read again.
      listings.length = 0;
      await filter.focus();
      await filter.selectOption('revoked');
      await eventually(async () => expect(await rows.count()).toBe(20));
      expect(await focused(page)).toMatch(/^select: /);
      await eventually(async () => expect(await rows.locator('td', { hasText: /^revoked$/ }).count()).toBe(20));
      await page.getByRole('button', { name: 'Show more keys' }).click();
      await eventually(async () => expect(await rows.count()).toBe(21));
      expect(await page.getByRole('button', { name: 'Show more keys' }).count()).toBe(0);
      expect((await rows.locator('th').allTextContents()).every((name) => /Gone \d+/.test(name))).toBe(true);
      // Both pages asked of the API with status=revoked: never a page of all keys filtered here.
      expect(listings.map((url) => [url.searchParams.get('status'), url.searchParams.has('starting_after')])).toEqual([
        ['revoked', false],
        ['revoked', true],
      ]);

      await filter.selectOption('disabled');
      await eventually(async () => expect(await rows.count()).toBe(1));
      await keyRow(page, disabled.id).waitFor();
      await filter.selectOption('active');
      await eventually(async () => expect(await rows.count()).toBe(2));
      await keyRow(page, active.id).waitFor();
      await filter.selectOption('expired');
      await page.locator('main').getByText('No expired keys.').waitFor();
      expect(await rows.count()).toBe(0);

      listings.length = 0;
      await filter.selectOption('');
      await eventually(async () => expect(await rows.count()).toBe(20));
      await page.getByRole('button', { name: 'Show more keys' }).waitFor();
      expect(listings.map((url) => url.searchParams.has('status'))).toEqual([false]);
      expect(await text(rows.first())).toContain('Working one');
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('keeps the status chosen in the URL: a reload, a shared link and Back/Forward show the same keys', async () => {
      const owner = await d.t.bootstrapKey('filter-url', 'Filter admin');
      const make = async (name: string) => (await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name }).expect(201)).body;
      const revoked = await make('Gone one');
      await request(d.t.http).delete(`/v1/api-keys/${revoked.id}`).set(bearer(owner.key)).expect(200);
      const disabled = await make('Paused one');
      await request(d.t.http).post(`/v1/api-keys/${disabled.id}/disable`).set(bearer(owner.key)).expect(200);

      const { page, problems } = await d.open();
      await signIn(page, owner.key);
      const rows = page.locator('tr.key-row');
      const filter = page.getByLabel('Status', { exact: true });
      const shows = async (status: string, ids: string[]) => {
        await eventually(async () => {
          expect(await filter.inputValue()).toBe(status);
          expect(await rows.evaluateAll((found) => found.map((row) => row.getAttribute('data-key-id')).sort())).toEqual([...ids].sort());
        });
      };
      await shows('', [owner.keyId, revoked.id, disabled.id]);
      const hash = () => new URL(page.url()).hash;

      await filter.selectOption('revoked');
      await shows('revoked', [revoked.id]);
      expect(hash()).toBe('#/keys?status=revoked');
      // Until 2026-12-07 a reload showed all keys under "All": the choice was in no URL.
      await page.reload();
      await shows('revoked', [revoked.id]);

      await filter.selectOption('disabled');
      await shows('disabled', [disabled.id]);
      expect(hash()).toBe('#/keys?status=disabled');
      await page.goBack();
      await shows('revoked', [revoked.id]);
      expect(hash()).toBe('#/keys?status=revoked');
      await page.goForward();
      await shows('disabled', [disabled.id]);
      await page.goBack();
      await page.goBack();
      await shows('', [owner.keyId, revoked.id, disabled.id]);

      // A shared link, opened in a tab not signed in: signing in shows what it names. Then a key's page, and Back.
      const shared = await page.context().newPage();
      await shared.goto('/dashboard#/keys?status=disabled');
      await shared.getByLabel('API key').fill(owner.key);
      await shared.getByRole('button', { name: 'Sign in' }).click();
      await eventually(async () => expect(await shared.locator('tr.key-row').evaluateAll((found) => found.map((row) => row.getAttribute('data-key-id')))).toEqual([disabled.id]));
      expect(await shared.getByLabel('Status', { exact: true }).inputValue()).toBe('disabled');
      await shared.locator(`tr[data-key-id="${disabled.id}"] th a`).click();
      await shared.getByRole('region', { name: 'Details' }).waitFor();
      await shared.goBack();
      await eventually(async () => expect(await shared.getByLabel('Status', { exact: true }).inputValue()).toBe('disabled'));
      await shared.close();

      // A status the list has not lists all keys, and the URL says so.
      await page.goto('/dashboard#/keys?status=paused');
      await shows('', [owner.keyId, revoked.id, disabled.id]);
      expect(hash()).toBe('#/keys');
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('shows no keys of the status left when the one chosen cannot be read', async () => {
      const owner = await d.t.bootstrapKey('filter-failed', 'Filter admin');
      await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: 'Working one' }).expect(201);
      const { page } = await d.open();
      await signIn(page, owner.key);
      const rows = page.locator('tr.key-row');
      await eventually(async () => expect(await rows.count()).toBe(2));
      await page.route('**/v1/api-keys?*status=revoked*', (route) => route.fulfill({ status: 500, json: { error: { type: 'api_error', message: 'Internal error.' } } }));
      await page.getByLabel('Status', { exact: true }).selectOption('revoked');
      await page.locator('.list-footer .form-error').waitFor();
      // Until 2026-12-07 the two active keys stayed listed under "Revoked".
      expect(await rows.count()).toBe(0);
    });
  });
});
