import type { Page } from 'playwright-core';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { keyRow, signIn, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';

/** dashboard-ui/src/views/key-search-box.ts's SEARCH_DEBOUNCE_MS (that file needs the DOM's types, which the tests' build has not). */
const SEARCH_DEBOUNCE_MS = 300;

whenChromium('Dashboard key search browser suite', () => {
  describe('The key list searched by name or prefix, in headless Chromium', () => {
    const d = useDashboard();

    it('asks the API once typing settles, by the start of a name or a pasted prefix, with the status, and never sends a whole key', async () => {
      const eu = await d.createKey('Production EU');
      const us = await d.createKey('production US');
      const staging = await d.createKey('Staging');
      for (let i = 0; i < 3; i++) await d.createKey(`Other ${i}`);

      const { page, problems } = await d.open();
      const listings: URL[] = [];
      page.on('request', (sent) => {
        const url = new URL(sent.url());
        if (url.pathname === '/v1/api-keys' && sent.method() === 'GET') listings.push(url);
      });
      await page.clock.install();
      await signIn(page, d.admin);
      const rows = page.locator('tr.key-row');
      await eventually(async () => expect(await rows.count()).toBe(7));

      // A labelled search box, reached by its name; typing is held until it settles (the page's clock, paused).
      const box = page.getByRole('searchbox', { name: 'Search keys' });
      await page.clock.pauseAt(Date.now() + 60_000);
      listings.length = 0;
      await box.pressSequentially('PROD');
      await page.clock.runFor(SEARCH_DEBOUNCE_MS - 1);
      // A round trip to the page (its animation frames are the paused clock's too): a request sent by then is seen.
      await page.evaluate(() => fetch('/health').then((res) => res.status));
      expect(listings.map((url) => url.search)).toEqual([]);
      await page.clock.runFor(1);
      await page.clock.resume();
      await eventually(async () => expect(await rows.count()).toBe(2));
      await keyRow(page, eu.id).waitFor();
      await keyRow(page, us.id).waitFor();
      expect(listings.map((url) => url.searchParams.get('name_prefix'))).toEqual(['PROD']);

      // With the status: both go to the API.
      listings.length = 0;
      await page.getByLabel('Status', { exact: true }).selectOption('revoked');
      await page.locator('main').getByText('No key name starts with “PROD”.').waitFor();
      expect(listings.map((url) => [url.searchParams.get('name_prefix'), url.searchParams.get('status')])).toEqual([['PROD', 'revoked']]);
      await page.getByLabel('Status', { exact: true }).selectOption('');

      // A prefix as a log line shows it, pasted and entered: the key it belongs to.
      listings.length = 0;
      await box.fill(`${staging.prefix}…[redacted]`);
      await box.press('Enter');
      await eventually(async () => expect(await rows.count()).toBe(1));
      await keyRow(page, staging.id).waitFor();
      expect(listings.at(-1)?.searchParams.get('prefix')).toBe(staging.prefix);

      // A whole key is refused on the page, said under the box, and sent nowhere.
      listings.length = 0;
      await box.fill(staging.key);
      await box.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'That looks like a whole API key: it was not sent.' }).waitFor();
      expect(await box.getAttribute('aria-invalid')).toBe('true');
      expect(listings.filter((url) => url.href.includes(staging.key.slice(12)))).toEqual([]);
      // Nor in a spelling that still reads as the key, as the service's redaction reads it (fullwidth, a zero-width
      // space inside, an escaped underscore): until 2026-12-07 each went out as name_prefix=.
      const fullwidth = [...staging.key].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
      for (const disguised of [fullwidth, `${staging.key.slice(0, 10)}\u200b${staging.key.slice(10)}`, staging.key.replace('_', '%5F')]) {
        await box.fill(disguised);
        await box.press('Enter');
        await page.getByRole('alert').filter({ hasText: 'That looks like a whole API key: it was not sent.' }).waitFor();
      }
      expect(listings.map((url) => url.search)).toEqual([]);

      // Emptied: every key again.
      await box.fill('');
      await box.press('Enter');
      await eventually(async () => expect(await rows.count()).toBe(7));
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    /** An account of its own (the first case counts acme's keys): an active "Production EU", "production US" and "Staging", a revoked "Prod old". */
    const searchedAccount = async (account: string) => {
      const owner = await d.t.bootstrapKey(account, 'Search admin');
      const make = async (name: string) => (await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name }).expect(201)).body;
      const eu = await make('Production EU');
      const us = await make('production US');
      const staging = await make('Staging');
      const old = await make('Prod old');
      await request(d.t.http).delete(`/v1/api-keys/${old.id}`).set(bearer(owner.key)).expect(200);
      return { owner, eu, us, staging, old };
    };
    const watchListings = (page: Page) => {
      const listings: URL[] = [];
      page.on('request', (sent) => {
        const url = new URL(sent.url());
        if (url.pathname === '/v1/api-keys' && sent.method() === 'GET') listings.push(url);
      });
      return listings;
    };
    const hashOf = (page: Page) => new URL(page.url()).hash;
    /** Goes to a link of the dashboard and waits until the screen is drawn again (the one before may show the same keys). */
    const goFresh = async (page: Page, path: string) => {
      await page.locator('h1').evaluate((heading) => heading.setAttribute('data-drawn-before', ''));
      await page.goto(path);
      await eventually(async () => expect(await page.locator('h1[data-drawn-before]').count()).toBe(0));
    };
    /** The screen shows this status and this text in the box, and these keys. */
    const shows = async (page: Page, status: string, text: string, ids: string[]) => {
      await eventually(async () => {
        expect(await page.getByLabel('Status', { exact: true }).inputValue()).toBe(status);
        expect(await page.getByRole('searchbox', { name: 'Search keys' }).inputValue()).toBe(text);
        expect(await page.locator('tr.key-row').evaluateAll((found) => found.map((row) => row.getAttribute('data-key-id')).sort())).toEqual([...ids].sort());
      });
    };

    it('keeps the search in the URL beside the status: one history step per search sent, reload, Back/Forward, any order, a shared link, and Keys and All keys clear both', async () => {
      const { owner, eu, us, staging, old } = await searchedAccount('search-url');
      const { page, problems } = await d.open();
      const listings = watchListings(page);
      await page.clock.install();
      await signIn(page, owner.key);
      const all = [owner.keyId, eu.id, us.id, staging.id, old.id];
      await shows(page, '', '', all);
      const box = page.getByRole('searchbox', { name: 'Search keys' });
      const historyLength = () => page.evaluate<number>('history.length');

      await page.getByLabel('Status', { exact: true }).selectOption('active');
      await shows(page, 'active', '', [owner.keyId, eu.id, us.id, staging.id]);
      expect(hashOf(page)).toBe('#/keys?status=active');

      // Four keystrokes, one search sent once typing settles: one step of the history, not four.
      const before = await historyLength();
      await page.clock.pauseAt(Date.now() + 60_000);
      await box.pressSequentially('prod');
      await page.clock.runFor(SEARCH_DEBOUNCE_MS);
      await page.clock.resume();
      await shows(page, 'active', 'prod', [eu.id, us.id]);
      expect(hashOf(page)).toBe('#/keys?status=active&name_prefix=prod');
      expect(await historyLength()).toBe(before + 1);

      await box.fill(staging.prefix);
      await box.press('Enter');
      await shows(page, 'active', staging.prefix, [staging.id]);
      expect(hashOf(page)).toBe(`#/keys?status=active&prefix=${staging.prefix}`);

      // Until 2026-12-07 a reload showed every active key, the box empty: the search was in no URL.
      listings.length = 0;
      await page.reload();
      await shows(page, 'active', staging.prefix, [staging.id]);
      expect(listings.map((url) => [url.searchParams.get('status'), url.searchParams.get('prefix')])).toEqual([['active', staging.prefix]]);

      await page.goBack();
      await shows(page, 'active', 'prod', [eu.id, us.id]);
      await page.goBack();
      await shows(page, 'active', '', [owner.keyId, eu.id, us.id, staging.id]);
      await page.goForward();
      await shows(page, 'active', 'prod', [eu.id, us.id]);
      // The status chosen keeps the search, as a step of its own.
      await page.getByLabel('Status', { exact: true }).selectOption('revoked');
      await shows(page, 'revoked', 'prod', [old.id]);
      expect(hashOf(page)).toBe('#/keys?status=revoked&name_prefix=prod');
      await page.goBack();
      await shows(page, 'active', 'prod', [eu.id, us.id]);

      // Either order in a link.
      await page.goto('/dashboard#/keys?name_prefix=PRODUCTION&status=active');
      await shows(page, 'active', 'PRODUCTION', [eu.id, us.id]);

      // "Keys" in the top bar clears both; so does "← All keys" on a key's page, while Back to the list keeps them.
      await page.getByRole('link', { name: 'Keys', exact: true }).click();
      await shows(page, '', '', all);
      expect(hashOf(page)).toBe('#/keys');
      await page.goBack();
      await shows(page, 'active', 'PRODUCTION', [eu.id, us.id]);
      await keyRow(page, eu.id).locator('th a').click();
      await page.getByRole('region', { name: 'Details' }).waitFor();
      await page.goBack();
      await shows(page, 'active', 'PRODUCTION', [eu.id, us.id]);
      await keyRow(page, eu.id).locator('th a').click();
      await page.getByRole('link', { name: '← All keys' }).click();
      await shows(page, '', '', all);
      expect(hashOf(page)).toBe('#/keys');

      // A search still being typed when the screen changes (the top bar's "Keys" before the wait is over) is dropped:
      // it neither lists nor writes the URL, which would then name a search the screen does not show.
      await page.getByLabel('Status', { exact: true }).selectOption('active');
      await shows(page, 'active', '', [owner.keyId, eu.id, us.id, staging.id]);
      await page.clock.pauseAt((await page.evaluate<number>('Date.now()')) + 1_000);
      await box.pressSequentially('stag');
      await page.getByRole('link', { name: 'Keys', exact: true }).click();
      await shows(page, '', '', all);
      const afterKeys = await historyLength();
      await page.clock.runFor(SEARCH_DEBOUNCE_MS);
      await page.clock.resume();
      await page.evaluate(() => fetch('/health').then((res) => res.status));
      expect([hashOf(page), await historyLength()]).toEqual(['#/keys', afterKeys]);
      await shows(page, '', '', all);

      // A shared link, opened in a tab not signed in: signing in shows what it names.
      const shared = await page.context().newPage();
      await shared.goto('/dashboard#/keys?name_prefix=production&status=active');
      await shared.getByLabel('API key').fill(owner.key);
      await shared.getByRole('button', { name: 'Sign in' }).click();
      await shows(shared, 'active', 'production', [eu.id, us.id]);
      await shared.close();
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('never sends a whole key or an invalid search a link holds: a whole key leaves the URL at once, signed in or not, and the box says why', async () => {
      const { owner, eu, us, staging, old } = await searchedAccount('search-url-refused');
      const all = [owner.keyId, eu.id, us.id, staging.id, old.id];
      const tail = staging.key.slice(12);
      const wholeKeyNote = 'The link held what looks like a whole API key: it was removed from the address and not sent.';
      const invalidNote = 'The link’s search was not one this box sends';

      // Not signed in: the key leaves the address before the sign-in form is shown; the status stays.
      const { page, problems } = await d.open();
      const listings = watchListings(page);
      await page.goto(`/dashboard#/keys?status=active&name_prefix=${staging.key}`);
      await page.getByLabel('API key').waitFor();
      expect(hashOf(page)).toBe('#/keys?status=active');
      await page.getByLabel('API key').fill(owner.key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await shows(page, 'active', '', [owner.keyId, eu.id, us.id, staging.id]);
      await page.getByRole('alert').filter({ hasText: wholeKeyNote }).waitFor();

      // Signed in, in the spellings a link carries one: the same.
      const spellings = [
        `prefix=${staging.key}`,
        `prefix=${staging.key.replace('sk_', 'SK-')}`,
        `prefix=${staging.key.replace('sk_', 'sk%5F')}`,
        `name_prefix=${staging.key.replace('sk_', 'sk%255F')}`,
        `name_prefix=${encodeURIComponent(staging.key.replace('sk_', 'ｓｋ＿'))}`,
        `name_prefix=${encodeURIComponent(`${staging.key.slice(0, 10)}\u200b${staging.key.slice(10)}`)}`,
      ];
      for (const spelling of spellings) {
        await goFresh(page, `/dashboard#/keys?${spelling}`);
        await shows(page, '', '', all);
        expect([spelling, hashOf(page)]).toEqual([spelling, '#/keys']);
        await page.getByRole('alert').filter({ hasText: wholeKeyNote }).waitFor();
      }
      // Replaced, not left behind: Back through those steps finds no key in any of them.
      for (let i = 0; i < spellings.length; i++) {
        await page.goBack();
        expect(decodeURIComponent(decodeURIComponent(page.url())).normalize('NFKC')).not.toContain(tail);
      }
      // In the page's own query too (a full load): the fragment stays.
      await page.goto(`/dashboard?key=${staging.key}#/keys?status=revoked`);
      await shows(page, 'revoked', '', [old.id]);
      expect(page.url()).toBe(`${d.baseURL}/dashboard#/keys?status=revoked`);
      await page.getByRole('alert').filter({ hasText: wholeKeyNote }).waitFor();

      // What the box would not send under that name: none listed, the URL put right, the box says so.
      const invalid = ['prefix=abc', `name_prefix=ci&prefix=${staging.prefix}`, `name_prefix=${'a'.repeat(101)}`, 'name_prefix=%01ci', `name_prefix=${staging.prefix}`, 'name_prefix=%20'];
      for (const query of invalid) {
        await goFresh(page, `/dashboard#/keys?status=revoked&${query}`);
        await shows(page, 'revoked', '', [old.id]);
        expect([query, hashOf(page)]).toEqual([query, '#/keys?status=revoked']);
        await page.getByRole('alert').filter({ hasText: invalidNote }).waitFor();
      }
      // A prefix as a log line shows it is read as the box reads it.
      await page.goto(`/dashboard#/keys?prefix=${encodeURIComponent(`${staging.prefix}…[redacted]`)}`);
      await shows(page, '', staging.prefix, [staging.id]);
      expect(hashOf(page)).toBe(`#/keys?prefix=${staging.prefix}`);

      expect(listings.filter((url) => url.href.includes(tail) || decodeURIComponent(url.href).includes(tail))).toEqual([]);
      expect(listings.filter((url) => url.searchParams.has('name_prefix') || (url.searchParams.has('prefix') && url.searchParams.get('prefix') !== staging.prefix))).toEqual([]);
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
