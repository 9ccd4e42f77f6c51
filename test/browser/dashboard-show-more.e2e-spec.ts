import type { Page } from 'playwright-core';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { type DashboardSuite, focused, keyRow, signIn, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';
import { recordPastUses } from '../support/past-usage.js';
import { flushUsage } from '../support/usage.js';

/** An account of 22 keys (its admin, then 21 revoked ones, each presented once after): 21 revoked_key_used alerts, two pages of each. */
async function accountOfTwoPages(d: DashboardSuite, account: string): Promise<string> {
  const owner = await d.t.bootstrapKey(account, 'Paged admin');
  for (let i = 1; i <= 21; i++) {
    const key = (await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: `Paged key ${i}` }).expect(201)).body;
    await request(d.t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(owner.key)).expect(200);
    await request(d.t.http).get('/v1/api-keys').set(bearer(key.key)).expect(401);
  }
  await flushUsage(d.t);
  await eventually(async () => expect((await request(d.t.http).get('/v1/alerts?limit=100').set(bearer(owner.key)).expect(200)).body.data).toHaveLength(21), 10_000);
  return owner.key;
}

whenChromium('Dashboard show-more browser suite', () => {
  describe('Pages after the first, in headless Chromium', () => {
    const d = useDashboard();

    it('moves the focus to the first key, alert or event a “Show more” loaded, not back to the top of the page', async () => {
      const owner = await accountOfTwoPages(d, 'paged');
      const { page, problems } = await d.open();
      await signIn(page, owner);
      await page.getByRole('button', { name: 'Show more keys' }).focus();
      await page.keyboard.press('Enter');
      await eventually(async () => expect(await focused(page)).toBe('a: Paged key 1'));

      await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
      await page.getByRole('button', { name: 'Show more alerts' }).focus();
      await page.keyboard.press('Enter');
      await page.locator('li.alert-card').nth(20).waitFor();
      expect(await page.evaluate<boolean>(`document.activeElement === document.querySelectorAll('li.alert-card')[20]`)).toBe(true);

      await page.getByRole('navigation').getByRole('link', { name: 'Keys' }).click();
      await page.locator('tr.key-row').first().waitFor();
      const busy = (await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(owner)).expect(200)).body.data[0];
      recordPastUses(d.t, { id: busy.id, accountId: 'paged' }, { 2: 60 });
      await flushUsage(d.t);
      await keyRow(page, busy.id).locator('th a').click();
      await page.locator('.timeline__item').nth(49).waitFor();
      await page.getByRole('button', { name: 'Load older events' }).focus();
      await page.keyboard.press('Enter');
      await page.locator('.timeline__item').nth(50).waitFor();
      expect(await page.evaluate<boolean>(`document.activeElement === document.querySelectorAll('.timeline__item')[50]`)).toBe(true);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('offers a later page that failed again, instead of leaving Refresh (the first page) as the only way on', async () => {
      const owner = await accountOfTwoPages(d, 'failing');
      const { page, problems } = await d.open();
      await signIn(page, owner);
      // The first request for each later page is dropped, as a lost connection would: the next one goes through.
      const dropped = new Set<string>();
      await page.route(/\/v1\/(api-keys|alerts)(\/[^/?]+\/events)?\?.*(starting_after|cursor)=/, async (route) => {
        const kind = new URL(route.request().url()).pathname.replace(/[0-9a-f-]{36}/, 'id');
        if (dropped.has(kind)) return route.continue();
        dropped.add(kind);
        return route.abort('connectionfailed');
      });
      /** Presses `button`: the page is lost and said so with the button offered again and focused; pressed again, the rows after `shown` come. */
      const showMore = async (button: string, rows: ReturnType<Page['locator']>, shown: number) => {
        await rows.nth(shown - 1).waitFor();
        expect(await rows.count()).toBe(shown);
        await page.getByRole('button', { name: button }).focus();
        await page.keyboard.press('Enter');
        await page.locator('main .form-error', { hasText: 'Could not reach the service' }).waitFor();
        expect(await rows.count()).toBe(shown);
        // The button pressed went with the loading; the one offered again takes the focus, as the keyboard left it.
        expect(await focused(page)).toBe(`button: ${button}`);
        await page.keyboard.press('Enter');
        await rows.nth(shown).waitFor();
      };
      await showMore('Show more keys', page.locator('tr.key-row'), 20);
      await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
      await page.locator('li.alert-card').first().waitFor();
      await showMore('Show more alerts', page.locator('li.alert-card'), 20);
      await page.getByRole('navigation').getByRole('link', { name: 'Keys' }).click();
      await page.locator('tr.key-row').first().waitFor();
      const busy = (await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(owner)).expect(200)).body.data[0];
      recordPastUses(d.t, { id: busy.id, accountId: 'failing' }, { 2: 60 });
      await flushUsage(d.t);
      await keyRow(page, busy.id).locator('th a').click();
      await showMore('Load older events', page.locator('.timeline__item'), 50);
      expect(dropped.size).toBe(3);
      expect(unexpectedProblems(problems).filter((problem) => !problem.includes('ERR_CONNECTION_FAILED'))).toEqual([]);
    });

    it("offers a key page's first reads again when they fail (the key, its alerts, its history): until 2026-12-07 only a reload did", async () => {
      const owner = (await d.t.bootstrapKey('first-reads', 'First reads admin')).key;
      const { page, problems } = await d.open();
      await signIn(page, owner);
      const key = (await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(owner)).expect(200)).body.data[0];
      // The first request for each of the key page's reads is dropped, as a lost connection would: the next one goes through.
      const dropped = new Set<string>();
      await page.route(
        (url) => url.pathname.startsWith('/v1/') && (url.pathname.includes(key.id) || url.searchParams.get('key_id') === key.id),
        async (route) => {
          const kind = new URL(route.request().url()).pathname.replace(key.id, 'id');
          if (route.request().method() !== 'GET' || dropped.has(kind)) return route.continue();
          dropped.add(kind);
          return route.abort('connectionfailed');
        },
      );
      await keyRow(page, key.id).locator('th a').click();
      for (const button of ['Load the key again', 'Load the alerts about this key again', 'Load the history again']) {
        await page.getByRole('button', { name: button }).waitFor();
      }
      expect(await page.locator('main .form-error', { hasText: 'Could not reach the service' }).count()).toBe(3);
      for (const button of ['Load the key again', 'Load the alerts about this key again', 'Load the history again']) {
        await page.getByRole('button', { name: button }).click();
      }
      await page.getByRole('region', { name: 'Details' }).waitFor();
      await page.getByText('No alerts about this key.').waitFor();
      await page.locator('.timeline__item').first().waitFor();
      expect(await page.locator('main .form-error').count()).toBe(0);
      expect([...dropped].sort()).toEqual(['/v1/alerts', '/v1/api-keys/id', '/v1/api-keys/id/events']);
      expect(unexpectedProblems(problems).filter((problem) => !problem.includes('ERR_CONNECTION_FAILED'))).toEqual([]);
    });

    it('drops a page of alerts answered after a Refresh started the list again, instead of adding it to the list', async () => {
      const owner = await accountOfTwoPages(d, 'refreshed');
      const { page, problems } = await d.open();
      await signIn(page, owner);
      await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
      let release = () => undefined as void;
      const released = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/v1/alerts?*starting_after=*', async (route) => {
        await released;
        await route.continue();
      });
      const late = page.waitForResponse((response) => response.url().includes('starting_after='));
      await page.getByRole('button', { name: 'Show more alerts' }).click();
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.getByRole('button', { name: 'Show more alerts' }).waitFor();
      release();
      await late;
      await page.evaluate('new Promise((resolve) => setTimeout(resolve, 100))');
      expect(await page.locator('li.alert-card').count()).toBe(20);
      expect(await page.getByRole('button', { name: 'Show more alerts' }).count()).toBe(1);
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
