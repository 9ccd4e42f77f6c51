import type { Page } from 'playwright-core';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { failedWithStatus, unexpectedProblems, whenChromium } from '../support/browser.js';
import { focused, type Key, keyRow, openKeyPage, signIn, statusRegion, text, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';
import { flushUsage } from '../support/usage.js';

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

    // The button pressed is disabled while its request runs, which takes the focus from it: Chromium leaves it on the body.
    it('moves the focus to the form’s error when the API refuses a creation or a save, never leaving it on the page’s body', async () => {
      const key = await d.createKey('Edited');
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await page.getByLabel('Name').fill('Bell\u0007name');
      await page.getByRole('button', { name: 'Create key' }).press('Enter');
      const createError = page.getByRole('region', { name: 'Create a key' }).getByRole('alert');
      await createError.getByText('name must not contain control characters').waitFor();
      expect(await focused(page)).toBe(`p: ${await text(createError)}`);

      await page.goto(`/dashboard#/keys/${key.id}`);
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.getByLabel('Expires at').fill('tomorrow');
      await page.getByRole('button', { name: 'Save changes' }).press('Enter');
      const saveError = page.getByRole('region', { name: 'Edit key' }).getByRole('alert');
      await saveError.getByText('expires_at must be an RFC 3339 date-time').waitFor();
      expect(await focused(page)).toBe(`div: ${await text(saveError)}`);
      expect(unexpectedProblems(problems, [failedWithStatus(400)])).toEqual([]);
    });

    // WCAG 4.1.3: a search, a status chosen or Refresh changes the rows out of sight of a screen reader, the focus staying in the box.
    it('says in the status region what a search, a status chosen or Refresh listed, the focus staying where it was', async () => {
      await d.createKey('Announced one');
      await d.createKey('Announced two');
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const box = page.getByLabel('Search keys');
      await box.fill('announced');
      await eventually(async () => expect(await text(statusRegion(page))).toBe('Listed 2 keys.'));
      expect(await page.locator('tr.key-row').count()).toBe(2);
      expect(await page.evaluate<string>('document.activeElement.labels[0].textContent')).toBe('Search keys');

      await box.fill('announced nothing');
      await box.press('Enter');
      await eventually(async () => expect(await text(statusRegion(page))).toBe('No key name starts with “announced nothing”.'));

      await box.fill('');
      await box.press('Enter');
      await page.getByLabel('Status').selectOption('revoked');
      await eventually(async () => expect(await text(statusRegion(page))).toMatch(/^No revoked keys\.$|^Listed \d+ keys?(\.|; “Show more keys” lists more\.)$/));
      await page.getByLabel('Status').selectOption('active');
      await eventually(async () => expect(await text(statusRegion(page))).toMatch(/^Listed \d+ keys?(\.|; “Show more keys” lists more\.)$/));

      await box.fill('announced');
      await box.press('Enter');
      await eventually(async () => expect(await text(statusRegion(page))).toBe('Listed 2 keys.'));
      await page.getByRole('button', { name: 'Refresh' }).click();
      await statusRegion(page).getByText('Listed 2 keys.').waitFor();
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    // A live region must be in the accessibility tree before its message arrives: one shown with its message is missed.
    it('keeps the empty status region in the accessibility tree, so the message that fills it is announced', async () => {
      const { page, problems } = await d.open();
      await page.goto('/dashboard');
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      expect(await statusRegion(page).count()).toBe(1);
      // Read whole on each change (WAI's ARIA22: role=status is not atomic everywhere): a message gains its "Sign out"
      // button after its text, and a screen reader may say the button alone.
      expect(await statusRegion(page).getAttribute('aria-atomic')).toBe('true');
      await signIn(page, d.admin);
      await page.getByRole('link', { name: 'Alerts' }).click();
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
      expect(await text(page.locator('#status'))).toBe('');
      expect(await statusRegion(page).count()).toBe(1);
      expect(await page.locator('#status').evaluate((region) => region.getBoundingClientRect().height)).toBe(0);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('gives an alert’s window and the times of its evidence their instant, machine-readable, as every other time', async () => {
      const leaked = await d.createKey('Leaked');
      await request(d.t.http).delete(`/v1/api-keys/${leaked.id}`).set(bearer(d.admin)).expect(200);
      await request(d.t.http).get('/v1/api-keys').set(bearer(leaked.key)).expect(401);
      await flushUsage(d.t);
      let alert = { id: '', window_start: '', window_end: '', evidence: { revokedAt: '' } };
      await eventually(async () => {
        const alerts = (await request(d.t.http).get(`/v1/alerts?key_id=${leaked.id}`).set(bearer(d.admin)).expect(200)).body.data;
        expect(alerts).toHaveLength(1);
        alert = alerts[0];
      }, 10_000);

      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
      const card = page.locator(`li[data-alert-id="${alert.id}"]`);
      await card.getByText('This key is revoked.').waitFor();
      const times = await card.locator('time').evaluateAll((found) => found.map((time) => time.getAttribute('datetime')));
      expect(times).toEqual(expect.arrayContaining([alert.window_start, alert.window_end, alert.evidence.revokedAt]));
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('gives the focus back to Disable when disabling fails, instead of leaving it on the page’s body', async () => {
      const key = await d.createKey('Disable offline');
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await page.goto(`/dashboard#/keys/${key.id}`);
      await page.getByRole('region', { name: 'Details' }).waitFor();
      await page.route(`**/v1/api-keys/${key.id}/disable`, (route) => route.abort('internetdisconnected'));
      await page.getByRole('button', { name: 'Disable' }).press('Enter');
      await statusRegion(page).getByText('Could not reach the service').waitFor();
      await eventually(async () => expect(await focused(page)).toBe('button: Disable'));
      expect(unexpectedProblems(problems, [/net::ERR_INTERNET_DISCONNECTED/])).toEqual([]);
    });

    // WCAG 1.3.1 / 2.1.1: the exact time was in the badge's title until 2026-12-07, a mouse's hover only.
    it('gives a key’s “expires in …” badge its instant, machine-readable, and its exact time as text in the list', async () => {
      const ending = (await d.createKey('Ends in two days', { expires_in_seconds: 2 * 86_400 })) as Key & { expires_at: string };
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const status = keyRow(page, ending.id).locator('td[data-label="Status"]');
      const badge = status.locator('.badge--expiring');
      expect(await text(badge)).toBe('expires in 2 days');
      expect(await badge.locator('time').getAttribute('datetime')).toBe(ending.expires_at);
      // The same words the page's own format gives (the browser's locale and zone), visible, not an attribute.
      const exact = await page.evaluate<string>(
        `new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' }).format(new Date(${JSON.stringify(ending.expires_at)}))`,
      );
      const shown = status.locator('.exact');
      expect(await text(shown)).toBe(exact.replace(/\s+/g, ' ').trim());
      expect(await shown.isVisible()).toBe(true);
      expect(await status.locator('[title]').count()).toBe(0);
      await openKeyPage(page, ending);
      expect(await page.locator('.facts .badge--expiring time').getAttribute('datetime')).toBe(ending.expires_at);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    // The focus starts on Cancel: what a screen reader says of the dialog is its name and its description.
    it('describes the Roll dialog by what rolling does and, for the tab’s own key, the warning', async () => {
      const own = await d.t.bootstrapKey('acme', 'Rolled here');
      const { page, problems } = await d.open();
      await signIn(page, own.key);
      const details = await openKeyPage(page, { id: own.keyId });
      await details.getByRole('button', { name: 'Roll' }).click();
      const dialog = page.getByRole('dialog', { name: `Roll “Rolled here” (${own.key.slice(0, 12)}…)?` });
      await dialog.waitFor();
      expect(await focused(page)).toBe('button: Cancel');
      const description = await page.evaluate<string>(
        `document.querySelector('dialog[open]').getAttribute('aria-describedby').split(' ').map((id) => document.getElementById(id).textContent).join(' ')`,
      );
      expect(description).toContain('The old key keeps working until the time you choose');
      expect(description).toContain('This is the key you are signed in with: this tab switches to the new key');
      await page.keyboard.press('Escape');
      expect(await focused(page)).toBe('button: Roll');
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('moves the focus to the key’s link in its alert card once revoked there, not to the page’s body', async () => {
      const shared = await d.createKey('Shared widely');
      for (let i = 1; i <= 10; i++) {
        await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(shared.key)).set('X-Forwarded-For', `198.51.100.${i}`).expect(200);
      }
      await flushUsage(d.t);
      await eventually(async () => {
        const alerts = (await request(d.t.http).get(`/v1/alerts?key_id=${shared.id}`).set(bearer(d.admin)).expect(200)).body.data;
        expect(alerts.map((alert: { rule: string }) => alert.rule)).toContain('many_addresses');
      }, 10_000);

      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
      const card = page.locator('li.alert-card[data-rule="many_addresses"]', { hasText: 'Shared widely' });
      await card.getByRole('button', { name: /^Revoke this key/ }).press('Enter');
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).press('Enter');
      await card.getByText('This key is revoked.').waitFor();
      expect(await focused(page)).toBe(`a: “Shared widely” (${shared.prefix}…)`);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    // WCAG 2.1.1: the event data's long lines scroll sideways, reachable by keyboard only where the box takes the focus.
    it('lets the keyboard reach and scroll an event’s data once it is open', async () => {
      const key = await d.createKey('Scrolled');
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await openKeyPage(page, key);
      const item = page.locator('.timeline__item').first();
      await item.locator('summary').click();
      const data = item.locator('pre.event-data');
      await data.focus();
      expect(await focused(page)).toMatch(/^pre: /);
      expect(await data.getAttribute('aria-label')).toBe('Created event data');
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    // What a screen reader says is the focused element's name when the focus arrives: a name filled in later goes unsaid.
    it('moves the focus to a key page’s heading once it names the key, never while it says only “Key”', async () => {
      const key = await d.createKey('Named on arrival');
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await page.evaluate(`window.focusedOnArrival = [];
        document.addEventListener('focusin', (event) => window.focusedOnArrival.push(event.target.tagName.toLowerCase() + ': ' + event.target.textContent));`);
      await page.route(`**/v1/api-keys/${key.id}`, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await route.continue();
      });
      await keyRow(page, key.id).locator('th a').press('Enter');
      await page.getByRole('region', { name: 'Details' }).waitFor();
      await eventually(async () => expect(await focused(page)).toBe('h1: Key “Named on arrival”'));
      expect(await page.evaluate<string[]>('window.focusedOnArrival.filter((name) => name.startsWith("h1"))')).toEqual(['h1: Key “Named on arrival”']);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    // WCAG 1.1.1, 2.1.1: an hour's count was in its bar's SVG <title>, shown on a mouse's hover only.
    it('gives a key page’s chart its hours as a table, opened from the keyboard, each count as its bar has it', async () => {
      const key = await d.createKey('Tabulated');
      await request(d.t.http).get('/v1/whoami').set(bearer(key.key)).expect(200);
      await flushUsage(d.t);
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await openKeyPage(page, key);
      const usage = page.getByRole('region', { name: 'Requests by hour' });
      const bars = await usage.locator('rect.bar').evaluateAll((found) => found.map((bar) => bar.getAttribute('data-count')));
      expect(bars).toHaveLength(24);
      await usage.getByText('Requests by hour as a table').focus();
      await page.keyboard.press('Enter');
      const table = usage.getByRole('table');
      await table.waitFor();
      const rows = await table.locator('tbody tr').evaluateAll((found) =>
        found.map((row) => [row.querySelector('time')?.getAttribute('datetime'), row.querySelector('td')?.textContent]),
      );
      expect(rows.map(([, counted]) => counted)).toEqual(bars);
      expect(rows.every(([hour]) => typeof hour === 'string' && !Number.isNaN(Date.parse(hour)))).toBe(true);
      expect(await page.getByRole('columnheader').allTextContents()).toEqual(expect.arrayContaining(['Hour starting', 'Requests']));
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    // WCAG 2.2 1.4.11 (non-text contrast): a chart's bars, an hour without requests too, at least 3:1 against what is behind them.
    it('draws every bar of a usage chart, an empty hour’s too, at a contrast of at least 3:1', async () => {
      const key = await d.createKey('Charted');
      await request(d.t.http).get('/v1/whoami').set(bearer(key.key)).expect(200);
      await flushUsage(d.t);
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const chart = keyRow(page, key.id).getByRole('img');
      await chart.waitFor();
      // Every chart on the screen, the lowest contrast of each kind of bar.
      const ratios = await page.evaluate<{ empty: number; used: number }>(`(() => {
        const rgb = (color) => (color.match(/\\d+(\\.\\d+)?/g) ?? []).slice(0, 3).map(Number);
        const luminance = (color) => {
          const [r, g, b] = rgb(color).map((c) => c / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const lowest = { empty: Infinity, used: Infinity };
        for (const svg of document.querySelectorAll('svg.usage-chart')) {
          let behind = svg;
          while (behind && ['rgba(0, 0, 0, 0)', 'transparent'].includes(getComputedStyle(behind).backgroundColor)) behind = behind.parentElement;
          const background = luminance(behind ? getComputedStyle(behind).backgroundColor : 'rgb(255, 255, 255)');
          for (const bar of svg.querySelectorAll('rect.bar')) {
            const fill = luminance(getComputedStyle(bar).fill);
            const ratio = (Math.max(fill, background) + 0.05) / (Math.min(fill, background) + 0.05);
            const kind = bar.classList.contains('bar--empty') ? 'empty' : 'used';
            lowest[kind] = Math.min(lowest[kind], ratio);
          }
        }
        return lowest;
      })()`);
      // Both kinds were found (a key used in one hour of 24), and each is at least 3:1.
      expect([Number.isFinite(ratios.used), Number.isFinite(ratios.empty)]).toEqual([true, true]);
      expect(ratios.used).toBeGreaterThanOrEqual(3);
      expect(ratios.empty).toBeGreaterThanOrEqual(3);
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
