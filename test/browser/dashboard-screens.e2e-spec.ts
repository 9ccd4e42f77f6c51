import request from 'supertest';
import { bearer } from '../support/auth.js';
import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { openKeyPage, signIn, statusRegion, text, useDashboard } from '../support/dashboard.js';
import { flushUsage } from '../support/usage.js';

/** What every screen says about itself: its status after an action, its title. */
whenChromium('Dashboard screens browser suite', () => {
  describe('Dashboard screens', () => {
    const d = useDashboard();

    it('replaces an earlier error in the status once an action succeeds', async () => {
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await page.route('**/v1/api-keys', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()), {
        times: 1,
      });
      await page.getByLabel('Name').fill('Second try');
      await page.getByRole('button', { name: 'Create key' }).click();
      await statusRegion(page).getByText('Could not reach the service').waitFor();

      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('region', { name: 'Key “Second try” created' }).waitFor();
      const prefix = (await page.getByLabel('Your new API key').inputValue()).slice(0, 12);
      expect(await text(statusRegion(page))).toBe(`Created “Second try” (${prefix}…): copy the key now, it is shown once.`);
      expect(await statusRegion(page).getAttribute('class')).not.toContain('status--error');
      expect(unexpectedProblems(problems, [/net::ERR_INTERNET_DISCONNECTED/])).toEqual([]);
    });

    it('says one request in the singular in a chart’s label and its hour’s title', async () => {
      const once = await d.createKey('Used once');
      await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(once.key)).expect(200);
      await flushUsage(d.t);
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const chart = page.locator(`tr[data-key-id="${once.id}"]`).getByRole('img');
      expect(await chart.getAttribute('aria-label')).toMatch(/^1 request since \w+ \d\d:00( [AP]M)?, busiest hour .+ with 1$/);
      expect(await chart.locator('rect:not(.bar--empty) title').textContent()).toMatch(/: 1 request$/);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('titles the tab after the screen shown', async () => {
      const key = await d.createKey('Titled key');
      const { page, problems } = await d.open();
      await page.goto('/dashboard');
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      expect(await page.title()).toBe('Sign in — ParseSphere Keys');
      await signIn(page, d.admin);
      expect(await page.title()).toBe('API keys — ParseSphere Keys');
      await openKeyPage(page, key);
      await page.getByRole('heading', { level: 1, name: 'Key “Titled key”' }).waitFor();
      expect(await page.title()).toBe('Key “Titled key” — ParseSphere Keys');
      await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
      expect(await page.title()).toBe('Alerts — ParseSphere Keys');
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('shows a read-only key (keys:read, no keys:write) no control that would be refused', async () => {
      const reader = await d.createKey('Read-only console', { permissions: ['keys:read'] });
      const other = await d.createKey('Someone else’s key');
      const { page, problems } = await d.open();
      await signIn(page, reader.key);
      const note = 'This tab’s key can only read (it lacks keys:write): creating, changing and revoking keys need a key that has it.';
      await page.getByText(note).waitFor();
      expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
      expect(await page.locator('tr.key-row').getByRole('button').count()).toBe(0);
      const details = await openKeyPage(page, other);
      await details.getByText(note).waitFor();
      expect(await details.getByRole('button').count()).toBe(0);
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
