import request from 'supertest';
import { bearer } from '../support/auth.js';
import { failedWithStatus, unexpectedProblems, whenChromium } from '../support/browser.js';
import { openKeyPage, signIn, statusRegion, text, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';

const READ_ONLY_NOTE = 'This tab’s key can only read (it lacks keys:write): creating, changing and revoking keys need a key that has it.';
const WRITE_LOST = 'This tab’s key lacks keys:write now: creating, changing and revoking keys are hidden, as they would be refused.';

/** What the dashboard knows of the permissions of the key it is signed in with, and when it learns them again. */
whenChromium('Dashboard permissions browser suite', () => {
  describe('Dashboard: what the signed-in key may do', () => {
    const d = useDashboard();

    it('learns a read-only key’s permissions at sign-in however many newer keys the account has (one request, GET /v1/whoami)', async () => {
      const admin = (await d.t.bootstrapKey('hooli', 'Hooli admin')).key;
      const reader = (await request(d.t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'Old reader', permissions: ['keys:read'] }).expect(201)).body;
      // The listing the sign-in read before held the newest 100 keys: this reader is the 102nd.
      for (let i = 1; i <= 100; i++) await d.t.bootstrapKey('hooli', `Newer ${i}`);
      const { page, problems } = await d.open();
      const calls: string[] = [];
      page.on('request', (sent) => {
        const url = new URL(sent.url());
        if (url.pathname.startsWith('/v1/')) calls.push(`${sent.method()} ${url.pathname}${url.search}`);
      });
      await signIn(page, reader.key);
      await page.getByText(READ_ONLY_NOTE).waitFor();
      expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
      expect(await page.locator('tr.key-row').getByRole('button').count()).toBe(0);
      expect(calls).toEqual(['GET /v1/whoami', 'GET /v1/api-keys?limit=20&include=requests_per_hour']);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('hides the controls once the tab’s own key is edited to lose keys:write', async () => {
      const own = await d.createKey('Console losing write', { permissions: ['keys:read', 'keys:write'] });
      const { page, problems } = await d.open();
      await signIn(page, own.key);
      const details = await openKeyPage(page, own);
      await details.getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('region', { name: 'Edit key' });
      await form.getByLabel('Permissions').fill('keys:read');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Save changes' }).click();
      await eventually(async () => expect(await text(statusRegion(page))).toBe(WRITE_LOST));
      const shown = page.getByRole('region', { name: 'Details' });
      await shown.getByText(READ_ONLY_NOTE).waitFor();
      expect(await shown.getByRole('button').count()).toBe(0);
      await page.getByRole('navigation').getByRole('link', { name: 'Keys' }).click();
      await page.getByText(READ_ONLY_NOTE).waitFor();
      expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('reads its permissions again on a 403, so a key that lost keys:write elsewhere stops showing what is refused', async () => {
      const own = await d.createKey('Console narrowed elsewhere', { permissions: ['keys:read', 'keys:write'] });
      const { page, problems } = await d.open();
      await signIn(page, own.key);
      // A key created before, still shown: the screen drawn again without the controls keeps it.
      await page.getByLabel('Name').fill('Made before');
      await page.getByRole('button', { name: 'Create key' }).click();
      const made = await page.getByLabel('Your new API key').inputValue();
      const etag = (await request(d.t.http).get(`/v1/api-keys/${own.id}`).set(bearer(d.admin)).expect(200)).headers.etag;
      await request(d.t.http).patch(`/v1/api-keys/${own.id}`).set(bearer(d.admin)).set('If-Match', etag).send({ permissions: ['keys:read'] }).expect(200);
      await page.getByLabel('Name').fill('Refused key');
      await page.getByRole('button', { name: 'Create key' }).click();
      await eventually(async () => expect(await text(statusRegion(page))).toBe(WRITE_LOST));
      await page.getByText(READ_ONLY_NOTE).waitFor();
      expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
      expect(await page.locator('tr.key-row').getByRole('button').count()).toBe(0);
      expect(await page.getByLabel('Your new API key').inputValue()).toBe(made);
      expect(unexpectedProblems(problems, [failedWithStatus(403)])).toEqual([]);
    });
  });
});
