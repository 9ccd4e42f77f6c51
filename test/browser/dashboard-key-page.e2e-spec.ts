import request from 'supertest';
import { bearer } from '../support/auth.js';
import { failedWithStatus, unexpectedProblems, whenChromium } from '../support/browser.js';
import { focused, openKeyPage, signIn, statusRegion, text, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';

/** A key's own page: where focus goes after each action, and what it shows after one. */
whenChromium('Dashboard key page browser suite', () => {
  describe('Dashboard: a key’s page after its actions', () => {
    const d = useDashboard();

    it('moves focus to the result of each action, never leaving it on the page’s body', async () => {
      const key = await d.createKey('Focus walk');
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const details = await openKeyPage(page, key);
      const focusIs = (expected: string) => eventually(async () => expect(await focused(page)).toBe(expected));

      await details.getByRole('button', { name: 'Edit' }).click();
      await focusIs('h2: Edit key');
      await page.getByRole('region', { name: 'Edit key' }).getByRole('button', { name: 'Cancel' }).click();
      await focusIs('button: Edit');

      await details.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('region', { name: 'Edit key' }).getByLabel('Name').fill('Focus walked');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('heading', { level: 1, name: 'Key “Focus walked”' }).waitFor();
      await focusIs('h2: Details');

      await details.getByRole('button', { name: 'Disable' }).click();
      await details.getByRole('button', { name: 'Enable' }).waitFor();
      await focusIs('h2: Details');
      await details.getByRole('button', { name: 'Enable' }).click();
      await details.getByRole('button', { name: 'Disable' }).waitFor();
      await focusIs('h2: Details');

      await details.getByRole('button', { name: 'Roll' }).click();
      await page.getByRole('dialog').getByLabel('The old key stops').selectOption({ label: 'In 1 hour' });
      await page.getByRole('dialog').getByRole('button', { name: 'Roll key' }).click();
      const noticeHeading = `h2: New key for “Focus walked” (${key.prefix}…)`;
      await focusIs(noticeHeading);
      // The page read again after the roll does not take the focus from the new key.
      await page.getByRole('region', { name: 'Rolled: traffic since the roll' }).waitFor();
      await page.locator('.timeline__type', { hasText: 'Rolled' }).waitFor();
      expect(await focused(page)).toBe(noticeHeading);
      await page.getByRole('button', { name: 'I have stored it: hide the key' }).click();
      await focusIs('h2: Details');

      await details.getByRole('button', { name: 'Revoke this key' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
      await details.getByText('revoked').first().waitFor();
      await focusIs('h2: Details');
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('shows a refused action’s key as it is now: Enable of a key revoked meanwhile elsewhere', async () => {
      const key = await d.createKey('Revoked meanwhile');
      await request(d.t.http).post(`/v1/api-keys/${key.id}/disable`).set(bearer(d.admin)).expect(200);
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const details = await openKeyPage(page, key);
      await request(d.t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(d.admin)).expect(200);
      await details.getByRole('button', { name: 'Enable' }).click();
      await eventually(async () => expect(await statusRegion(page).getAttribute('class')).toContain('status--error'));
      await eventually(async () => expect(await text(details.locator('.badge').first())).toBe('revoked'));
      expect(await details.getByRole('button').count()).toBe(0);
      await page.locator('.timeline__type', { hasText: 'Revoked' }).waitFor();
      expect(unexpectedProblems(problems, [failedWithStatus(409)])).toEqual([]);
    });

    it('trims a name edited with spaces around it, as creating does', async () => {
      const key = await d.createKey('Untrimmed');
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const details = await openKeyPage(page, key);
      await details.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('region', { name: 'Edit key' }).getByLabel('Name').fill('  Trimmed name  ');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('heading', { level: 1, name: 'Key “Trimmed name”' }).waitFor();
      expect((await request(d.t.http).get(`/v1/api-keys/${key.id}`).set(bearer(d.admin)).expect(200)).body.name).toBe('Trimmed name');
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('says in the timeline when a rolled key works until as a local time, like every other time', async () => {
      const key = await d.createKey('Rolled by the API');
      const rolled = await request(d.t.http).post(`/v1/api-keys/${key.id}/roll`).set(bearer(d.admin)).send({ grace_seconds: 3600 }).expect(201);
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await openKeyPage(page, key);
      const item = page.locator('.timeline__item', { has: page.locator('.timeline__type', { hasText: 'Rolled' }) });
      const summary = item.locator('.timeline__summary');
      await summary.waitFor();
      expect(await text(summary)).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
      expect(await summary.locator('time').getAttribute('datetime')).toBe(rolled.body.rolled.rotation.grace_ends_at);
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
