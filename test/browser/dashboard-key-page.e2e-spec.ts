import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { archiveUsage } from '../../src/usage/archiving/archive-usage.js';
import { InMemoryUsageArchives } from '../../src/infrastructure/in-memory/in-memory-usage-archives.js';
import { bearer } from '../support/auth.js';
import { failedWithStatus, unexpectedProblems, whenChromium } from '../support/browser.js';
import { focused, openKeyPage, signIn, statusRegion, text, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';
import { flushUsage } from '../support/usage.js';
import { UsageRecorder } from '../../src/usage/recording/usage-recorder.js';

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
      // The successor takes the key's expiry too: a roll renews no expiry (until 2026-12-06 the dialog did not say so).
      expect(await page.getByRole('dialog').textContent()).toContain('same name, limits, permissions, addresses and expiry');
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

    it('says in the form that a save met a change made elsewhere (412), and offers the key’s current values without losing what was typed', async () => {
      const key = await d.createKey('Edited twice');
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const details = await openKeyPage(page, key);
      await details.getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('region', { name: 'Edit key' });
      await form.getByLabel('Name').fill('Typed here');
      await form.getByLabel('Permissions').fill('keys:read');
      const etag = (await request(d.t.http).get(`/v1/api-keys/${key.id}`).set(bearer(d.admin)).expect(200)).headers.etag;
      await request(d.t.http)
        .patch(`/v1/api-keys/${key.id}`)
        .set(bearer(d.admin))
        .set('If-Match', etag)
        .send({ name: 'Renamed elsewhere', rate_limit: { requests: 50, per_seconds: 60 } })
        .expect(200);
      await form.getByRole('button', { name: 'Save changes' }).click();

      const alert = form.getByRole('alert');
      await alert.getByText('Nothing was saved: this key was changed elsewhere').waitFor();
      expect(await text(alert)).toBe(
        'Nothing was saved: this key was changed elsewhere (in another tab, by someone else or with the CLI) after you opened this form, and saving would have ' +
          'overwritten that change. What you typed is still in the form. Show the current values',
      );
      expect(await focused(page)).toMatch(/^div: Nothing was saved/);
      expect(await form.getByLabel('Name').inputValue()).toBe('Typed here');

      await alert.getByRole('button', { name: 'Show the current values' }).click();
      await alert.getByText('The form now shows').waitFor();
      expect(await text(alert)).toBe(
        'The form now shows the key\'s current requests allowed, changed elsewhere, and keeps your name, changed elsewhere too (the current value is under the field). ' +
          'Save changes applies it to the key as it is now.',
      );
      expect(await focused(page)).toMatch(/^div: The form now shows/);
      expect(await form.getByLabel('Name').inputValue()).toBe('Typed here');
      expect(await form.getByLabel('Permissions').inputValue()).toBe('keys:read');
      expect(await form.getByLabel('Requests allowed').inputValue()).toBe('50');
      expect(await text(form.getByText('Changed elsewhere too, now:'))).toBe('Changed elsewhere too, now: Renamed elsewhere. Yours is kept.');

      await form.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('heading', { level: 1, name: 'Key “Typed here”' }).waitFor();
      const saved = (await request(d.t.http).get(`/v1/api-keys/${key.id}`).set(bearer(d.admin)).expect(200)).body;
      expect(saved).toMatchObject({ name: 'Typed here', permissions: ['keys:read'], rate_limit: { requests: 50, per_seconds: 60 } });
      expect(unexpectedProblems(problems, [failedWithStatus(412)])).toEqual([]);
    });

    it('says a save refused with 409 in words, and that a key revoked meanwhile can no longer be changed', async () => {
      const key = await d.createKey('Revoked while edited');
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const details = await openKeyPage(page, key);
      await details.getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('region', { name: 'Edit key' });
      await form.getByLabel('Name').fill('Too late');
      await request(d.t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(d.admin)).expect(200);
      // A conflict the API could not resolve by retrying (its If-Match is checked first, so a revoked key answers 412).
      const conflict = { error: { type: 'conflict_error', message: 'The resource was changed by a concurrent request; retry later.' } };
      await page.route(`**/v1/api-keys/${key.id}`, (route) => (route.request().method() === 'PATCH' ? route.fulfill({ status: 409, json: conflict }) : route.continue()), {
        times: 1,
      });
      await form.getByRole('button', { name: 'Save changes' }).click();
      const alert = form.getByRole('alert');
      await alert.getByText('Nothing was saved:').waitFor();
      expect(await text(alert)).toBe(
        'Nothing was saved: The resource was changed by a concurrent request; retry later. It may have been changed elsewhere after you opened this form. ' +
          'What you typed is still in the form. Show the current values',
      );
      expect(await focused(page)).toMatch(/^div: Nothing was saved/);
      await alert.getByRole('button', { name: 'Show the current values' }).click();
      await alert.getByText('This key is revoked now: it can no longer be changed, so your edits cannot be saved.').waitFor();
      await alert.getByRole('button', { name: 'Show the key' }).click();
      await eventually(async () => expect(await text(page.getByRole('region', { name: 'Details' }).locator('.badge').first())).toBe('revoked'));
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

    it("says in the timeline when a rolled key's grace period ends as a local time, like every other time, and never that a disabled one works", async () => {
      const key = await d.createKey('Rolled by the API');
      // Disabled, then rolled (the leaked-key path): refused all its grace period.
      await request(d.t.http).post(`/v1/api-keys/${key.id}/disable`).set(bearer(d.admin)).expect(200);
      const rolled = await request(d.t.http).post(`/v1/api-keys/${key.id}/roll`).set(bearer(d.admin)).send({ grace_seconds: 3600 }).expect(201);
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await openKeyPage(page, key);
      const item = page.locator('.timeline__item', { has: page.locator('.timeline__type', { hasText: 'Rolled' }) });
      const summary = item.locator('.timeline__summary');
      await summary.waitFor();
      expect(await text(summary)).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
      expect(await text(summary)).toMatch(/grace period until/);
      expect(await text(summary)).not.toMatch(/works/);
      expect(await summary.locator('time').getAttribute('datetime')).toBe(rolled.body.rolled.rotation.grace_ends_at);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('shows uses archived out of the log as one timeline item, and still counts them', async () => {
      const key = await d.createKey('Archived uses');
      for (let i = 0; i < 3; i++) await request(d.t.http).get(`/v1/api-keys/${key.id}`).set(bearer(key.key)).expect(200);
      await flushUsage(d.t);
      // A run as if nine days later, archiving what was logged up to now (the CLI refuses anything more recent).
      const store = d.t.app.get<EventStore>(EVENT_STORE);
      const report = await archiveUsage(store, new InMemoryUsageArchives(), { before: new Date(Date.now() + 60_000), now: new Date(Date.now() + 9 * 86_400_000) });
      expect(report.events).toBeGreaterThanOrEqual(3);
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      const details = await openKeyPage(page, key);
      const item = page.locator('.timeline__item', { has: page.locator('.timeline__type', { hasText: 'Uses archived' }) });
      const summary = item.locator('.timeline__summary');
      await summary.waitFor();
      expect(await text(summary)).toMatch(/^3 events of its usage logged before .+ moved to the archive file a1\.jsonl\.gz by the operator CLI; its figures still count them\.$/);
      expect(await page.locator('.timeline__type', { hasText: /^Used$/ }).count()).toBe(0);
      await eventually(async () => expect(await text(details)).toContain('3 accepted, 0 rate-limited, 0 refused'));
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('says how many addresses a rolled key was used from since the roll past the 20 the API lists (20: all; 25: 5 more)', async () => {
      const key = await d.createKey('Rolled, used from many places');
      await request(d.t.http).post(`/v1/api-keys/${key.id}/roll`).set(bearer(d.admin)).send({ grace_seconds: 3600 }).expect(201);
      const recorder = d.t.app.get(UsageRecorder);
      const rolledAt = Date.now();
      const useFrom = (from: number, to: number) => {
        for (let i = from; i <= to; i++) {
          recorder.record({ keyId: key.id, accountId: 'acme', usedAt: new Date(rolledAt + i).toISOString(), requestId: `req_addr_${i}`, ip: `203.0.113.${i}`, userAgent: 'client', method: 'GET', path: '/v1/parses', outcome: 'accepted' });
        }
      };
      useFrom(1, 20);
      await flushUsage(d.t);
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await openKeyPage(page, key);
      const rotation = page.getByRole('region', { name: 'Rolled: traffic since the roll' });
      const addresses = () => text(rotation.locator('dt', { hasText: 'From addresses' }).locator('xpath=following-sibling::dd[1]'));
      await eventually(async () => expect(await text(rotation)).toContain('Requests since the roll20'));
      // Exactly 20: every one is listed, and none is said to be missing (until 2026-12-07: "there may be more").
      expect(await addresses()).toMatch(/^203\.0\.113\.20, (203\.0\.113\.\d+, ){18}203\.0\.113\.1$/);
      useFrom(21, 25);
      await flushUsage(d.t);
      await page.reload();
      await eventually(async () => expect(await text(rotation)).toContain('Requests since the roll25'));
      const listed = await addresses();
      expect(listed.split(' and ')[0].split(', ')).toHaveLength(20);
      expect(listed).toMatch(/^203\.0\.113\.25, .*203\.0\.113\.6 and 5 more, 25 in all \(the uses in its history name them\)$/);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('pages the alerts about a key instead of showing the first 20 as if they were all (25 alerts: 20, then 5 more)', async () => {
      const key = await d.createKey('Alerted often');
      const at = (i: number) => new Date(Date.now() - (25 - i) * 60_000).toISOString();
      await d.t.app.get<EventStore>(EVENT_STORE).appendToStreams(
        Array.from({ length: 25 }, (_, i) => {
          const alertId = randomBytes(16).toString('hex');
          const data = { alertId, rule: 'many_addresses', keyId: key.id, accountId: 'acme', ip: null, evidence: { distinct_ips: 30 }, windowStart: at(i), windowEnd: at(i), detectedAt: at(i) };
          return { streamId: `anomaly-${alertId}`, expectedRevision: 'no_stream' as const, events: [{ type: 'AnomalyDetected', schemaVersion: 1, data }] };
        }),
      );
      await eventually(async () => expect((await request(d.t.http).get(`/v1/alerts?limit=100&key_id=${key.id}`).set(bearer(d.admin)).expect(200)).body.data).toHaveLength(25), 10_000);
      const { page, problems } = await d.open();
      await signIn(page, d.admin);
      await openKeyPage(page, key);
      const alerts = page.getByRole('region', { name: 'Alerts about this key' });
      await alerts.locator('li').first().waitFor();
      const more = alerts.getByRole('button', { name: 'Show more alerts about this key' });
      await more.waitFor();
      expect(await alerts.locator('li').count()).toBe(20);
      await more.focus();
      await page.keyboard.press('Enter');
      await alerts.locator('li').nth(24).waitFor();
      expect(await alerts.locator('li').count()).toBe(25);
      expect(await more.count()).toBe(0);
      expect(await focused(page)).toMatch(/^li: Many client addresses, detected/);
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
