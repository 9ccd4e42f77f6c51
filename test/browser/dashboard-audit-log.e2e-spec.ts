import type { Page } from 'playwright-core';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { saveScreenshot, unexpectedProblems, whenChromium } from '../support/browser.js';
import { focused, type Key, signIn, statusRegion, text, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';
import { keyNamedBefore } from '../support/key-named-before.js';

const RLO = '\u202e';

interface Entry {
  id: string;
  type: string;
  key_id: string;
  actor: { type: string; key_id: string | null };
  request_id: string | null;
}

whenChromium('Dashboard audit log browser suite', () => {
  describe('Dashboard: the account’s audit log', () => {
    const d = useDashboard();

    /** The account's audit log as the API lists it, once it holds at least `count` entries (it trails changes by milliseconds). */
    const entriesOf = async (key: string, count: number, query = ''): Promise<Entry[]> => {
      let data: Entry[] = [];
      await eventually(async () => {
        data = (await request(d.t.http).get(`/v1/events?limit=100${query}`).set(bearer(key)).expect(200)).body.data;
        expect(data.length).toBeGreaterThanOrEqual(count);
      }, 10_000);
      return data;
    };
    const openAuditLog = async (page: Page) => {
      await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
      await page.locator('main').getByText('Loading').first().waitFor({ state: 'detached' });
    };
    const entries = (page: Page) => page.locator('li[data-entry-id]');
    const whoami = async (key: string) => (await request(d.t.http).get('/v1/whoami').set(bearer(key)).expect(200)).body as { id: string };

    it('lists the account’s changes newest first, each with its key, who made it and the request id, linked to the keys’ pages', async () => {
      const owner = await d.t.bootstrapKey('hooli', 'Hooli console');
      const ownerId = (await whoami(owner.key)).id;
      const billing: Key = (await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: 'Billing' }).expect(201)).body;
      await request(d.t.http).patch(`/v1/api-keys/${billing.id}`).set(bearer(owner.key)).send({ name: 'Billing (old)' }).expect(200);
      await request(d.t.http).post(`/v1/api-keys/${billing.id}/disable`).set(bearer(owner.key)).expect(200);
      const api = await entriesOf(owner.key, 4);
      expect(api.map((entry) => entry.type)).toEqual(['KeyDisabled', 'KeyUpdated', 'KeyCreated', 'KeyCreated']);

      const { page, problems } = await d.open();
      await signIn(page, owner.key);
      await openAuditLog(page);
      expect(await page.title()).toBe('Audit log — ParseSphere Keys');
      expect(await page.getByRole('link', { name: 'Audit log' }).getAttribute('aria-current')).toBe('page');
      await expect(entries(page).count()).resolves.toBe(4);
      expect(await entries(page).evaluateAll((items) => items.map((item) => item.getAttribute('data-entry-id')))).toEqual(api.map((entry) => entry.id));
      const disabled = entries(page).first();
      expect(await text(disabled)).toContain('Disabled');
      expect(await text(disabled)).toContain(`By key ${ownerId.slice(0, 8)}…, request ${api[0].request_id}.`);
      expect(await disabled.getByRole('link', { name: /its history$/ }).getAttribute('href')).toBe(`#/keys/${billing.id}`);
      expect(await disabled.getByRole('link', { name: /the key that made the change$/ }).getAttribute('href')).toBe(`#/keys/${ownerId}`);
      expect(await text(entries(page).nth(1))).toContain(': name changed');
      expect(await text(entries(page).nth(2))).toContain('named “Billing”');
      // The bootstrap key was made by the operator CLI: no acting key, no request.
      expect(await text(entries(page).nth(3))).toContain('By the operator CLI.');
      await saveScreenshot(page, 'audit-log', { fullPage: true });

      // The key's page links to its own entries.
      await disabled.getByRole('link', { name: /its history$/ }).click();
      await page.getByRole('region', { name: 'History' }).waitFor();
      await page.getByRole('link', { name: 'Its changes in the audit log' }).click();
      await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
      await page.locator('main').getByText('Loading').first().waitFor({ state: 'detached' });
      expect(new URL(page.url()).hash).toBe(`#/events?key_id=${billing.id}`);
      await expect(entries(page).count()).resolves.toBe(3);
      expect(await page.getByLabel('Key id', { exact: true }).inputValue()).toBe(billing.id);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('filters by kind, key, acting key and days, as the API does, each in the URL; a whole key typed as an id is never sent', async () => {
      const owner = await d.t.bootstrapKey('piedpiper', 'Pied Piper console');
      const helper: Key = (await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: 'Helper', permissions: ['keys:read', 'keys:write'] }).expect(201)).body;
      const target: Key = (await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: 'Target' }).expect(201)).body;
      await request(d.t.http).patch(`/v1/api-keys/${target.id}`).set(bearer(helper.key)).send({ name: 'Target 2' }).expect(200);
      await request(d.t.http).patch(`/v1/api-keys/${helper.id}`).set(bearer(owner.key)).send({ name: 'Helper 2' }).expect(200);
      await entriesOf(owner.key, 5);

      const { page, problems } = await d.open();
      await signIn(page, owner.key);
      const sent: string[] = [];
      page.on('request', (made) => {
        const url = new URL(made.url());
        if (url.pathname === '/v1/events') sent.push(url.search);
      });
      await openAuditLog(page);
      await expect(entries(page).count()).resolves.toBe(5);

      await page.getByLabel('Kind').selectOption({ label: 'Changed' });
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await eventually(async () => expect(await entries(page).count()).toBe(2));
      expect(new URL(page.url()).hash).toBe('#/events?type=KeyUpdated');

      await page.getByLabel('Made by key id').fill(helper.id);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await eventually(async () => expect(await entries(page).count()).toBe(1));
      expect(await text(entries(page).first())).toContain(`About key ${target.id.slice(0, 8)}…: name changed`);
      expect(new URL(page.url()).hash).toBe(`#/events?type=KeyUpdated&actor_key_id=${helper.id}`);
      // Back: the filter before.
      await page.goBack();
      await eventually(async () => expect(await entries(page).count()).toBe(2));
      expect(await page.getByLabel('Made by key id').inputValue()).toBe('');

      await page.getByRole('link', { name: 'Clear filters' }).click();
      await eventually(async () => expect(await entries(page).count()).toBe(5));
      await page.getByLabel('Key id', { exact: true }).fill(target.id);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await eventually(async () => expect(await entries(page).count()).toBe(2));

      // Days: everything happened today, so a range ending yesterday lists nothing, and one from today everything.
      const today = await page.evaluate<string>(`(() => { const d = new Date(); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0'); })()`);
      const yesterday = await page.evaluate<string>(`(() => { const d = new Date(); d.setDate(d.getDate() - 1); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0'); })()`);
      await page.getByLabel('Key id', { exact: true }).fill('');
      await page.getByLabel('Until (day, included)').fill(yesterday);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.locator('main').getByText('No event matches these filters.').waitFor();
      expect(await entries(page).count()).toBe(0);
      expect(await text(statusRegion(page))).toBe('No event matches these filters.');
      await page.getByLabel('Until (day, included)').fill('');
      await page.getByLabel('From (day)').fill(today);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await eventually(async () => expect(await entries(page).count()).toBe(5));
      expect(await page.getByLabel('From (day)').inputValue()).toBe(today);

      // A whole key pasted as a key id: said, focused, and not sent.
      const before = sent.length;
      await page.getByLabel('Key id', { exact: true }).fill(helper.key);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByRole('alert').filter({ hasText: 'Nothing was sent' }).waitFor();
      expect(await focused(page)).toBe('input: ');
      expect(await page.getByLabel('Key id', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      expect(sent.length).toBe(before);
      expect(sent.join('\n')).not.toContain('sk_');
      expect(page.url()).not.toContain(helper.key);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('pages back through the log, 50 entries a page, "Show more events" focusing the first entry it loaded', async () => {
      const owner = await d.t.bootstrapKey('pager', 'Pager console');
      for (let i = 1; i <= 54; i++) await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: `Key ${i}` }).expect(201);
      await entriesOf(owner.key, 55);

      const { page, problems } = await d.open();
      await signIn(page, owner.key);
      await openAuditLog(page);
      await expect(entries(page).count()).resolves.toBe(50);
      expect(await text(entries(page).first())).toContain('named “Key 54”');
      await page.getByRole('button', { name: 'Show more events' }).click();
      await eventually(async () => expect(await entries(page).count()).toBe(55));
      expect(await focused(page)).toContain('named “Key 4”');
      expect(await text(entries(page).last())).toContain('named “Pager console”');
      expect(await page.getByRole('button', { name: 'Show more events' }).count()).toBe(0);
      const ids = await entries(page).evaluateAll((items) => items.map((item) => item.getAttribute('data-entry-id')));
      expect(new Set(ids).size).toBe(55);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('shows nothing of another account: its key ids, in a link or typed, list no entry', async () => {
      const acmeKey = await d.createKey('Acme only');
      await entriesOf(d.admin, 2);
      const other = await d.t.bootstrapKey('globex', 'Globex console');
      await entriesOf(other.key, 1);
      const acmeAdminId = (await whoami(d.admin)).id;

      const { page, problems } = await d.open();
      await signIn(page, other.key);
      await page.goto(`/dashboard#/events?key_id=${acmeKey.id}`);
      await page.locator('main').getByText('No event matches these filters.').waitFor();
      expect(await entries(page).count()).toBe(0);
      await page.goto(`/dashboard#/events?actor_key_id=${acmeAdminId}`);
      await page.locator('main').getByText('No event matches these filters.').waitFor();
      expect(await entries(page).count()).toBe(0);
      // Unfiltered: its own entry only, nothing named Acme.
      await page.goto('/dashboard#/events');
      await eventually(async () => expect(await entries(page).count()).toBe(1));
      const main = await text(page.locator('main'));
      expect(main).not.toContain('Acme');
      expect(main).not.toContain(acmeKey.id.slice(0, 8));
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('sends no filter of a link the API would refuse, and a whole key in a link leaves the address unsent, said on this screen', async () => {
      const owner = await d.t.bootstrapKey('linkco', 'Link console');
      const other: Key = (await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: 'Other' }).expect(201)).body;
      await entriesOf(owner.key, 2);
      const { page, problems } = await d.open();
      await signIn(page, owner.key);
      const sent: string[] = [];
      page.on('request', (made) => {
        const url = new URL(made.url());
        if (url.pathname.startsWith('/v1/')) sent.push(`${url.pathname}${url.search}`);
      });

      // A kind that is no entry (a use), an id that is no UUID, a date that is none: listed unfiltered, the URL put right.
      await page.goto('/dashboard#/events?type=KeyUsed&key_id=not-an-id&created_gte=yesterday');
      await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
      await eventually(async () => expect(await entries(page).count()).toBe(2));
      expect(new URL(page.url()).hash).toBe('#/events');
      expect(sent.filter((path) => path.startsWith('/v1/events'))).toEqual(['/v1/events?limit=50']);

      // A whole key in a link: gone from the address before anything is asked, Back included; said where the filters are.
      sent.length = 0;
      await page.goto(`/dashboard#/events?type=KeyUpdated&actor_key_id=${other.key}`);
      await page.getByRole('alert').filter({ hasText: 'The link held what looks like a whole API key' }).waitFor();
      await eventually(async () => expect(await entries(page).count()).toBe(2));
      expect(new URL(page.url()).hash).toBe('#/events');
      expect(sent.join('\n')).not.toContain(other.key);
      expect(sent.filter((path) => path.startsWith('/v1/events'))).toEqual(['/v1/events?limit=50']);
      expect(page.url()).not.toContain(other.key);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('never scrolls sideways at 320 px (WCAG reflow): the filters, a name of 100 characters without a space, a request id and the event data', async () => {
      const owner = await d.t.bootstrapKey('narrow', 'Narrow console');
      const key: Key = (await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: 'x'.repeat(100) }).expect(201)).body;
      await request(d.t.http).patch(`/v1/api-keys/${key.id}`).set(bearer(owner.key)).send({ permissions: ['keys:read'] }).expect(200);
      await entriesOf(owner.key, 3);
      const { page, problems } = await d.open({ width: 320, height: 800 });
      await signIn(page, owner.key);
      await openAuditLog(page);
      await expect(entries(page).count()).resolves.toBe(3);
      await entries(page).first().getByText('Event data').click();
      expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('shows a hostile name as its characters: a script tag inert, a bidi override as its code', async () => {
      const owner = await d.t.bootstrapKey('evilcorp', 'Evil console');
      await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">' }).expect(201);
      await keyNamedBefore(d.t, 'evilcorp', `${RLO}yek-dorp`);
      await entriesOf(owner.key, 3);

      const { page, problems } = await d.open();
      await signIn(page, owner.key);
      await openAuditLog(page);
      await expect(entries(page).count()).resolves.toBe(3);
      expect(await text(entries(page).first())).toContain('named “\\u202Eyek-dorp”');
      expect(await text(entries(page).nth(1))).toContain('named “<script>window.pwned=1</script><img src=x onerror="window.pwned=2">”');
      await entries(page).first().getByText('Event data').click();
      expect(await text(entries(page).first().locator('pre'))).toContain('\\u202Eyek-dorp');
      expect(await page.evaluate<unknown>('window.pwned')).toBeUndefined();
      expect(await page.locator('main script, main img').count()).toBe(0);
      expect(await page.evaluate<boolean>(`document.querySelector('main').textContent.includes(${JSON.stringify(RLO)})`)).toBe(false);
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
