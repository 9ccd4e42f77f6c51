import request from 'supertest';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { bearer } from '../support/auth.js';
import { failedWithStatus, unexpectedProblems, whenChromium } from '../support/browser.js';
import { focused, openKeyPage, pageState, signIn, statusRegion, text, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';

/** What the dashboard does to the key it is signed in with: roll it, disable it, edit it away from itself. */
whenChromium('Dashboard own-key browser suite', () => {
  describe('Dashboard: changing the key the tab is signed in with', () => {
    const d = useDashboard();

    it('rolls its own key with “Now”: warns first, shows the new key, and carries on signed in with it', async () => {
      const own = await d.t.bootstrapKey('acme', 'Rolled console');
      const { page, problems } = await d.open();
      await signIn(page, own.key);
      const details = await openKeyPage(page, { id: own.keyId });
      await details.getByRole('button', { name: 'Roll' }).click();
      const dialog = page.getByRole('dialog');
      expect(await text(dialog)).toContain('This is the key you are signed in with: this tab switches to the new key');
      await dialog.getByLabel('The old key stops').selectOption({ label: 'Now: the old key stops at once' });
      await dialog.getByRole('button', { name: 'Roll key' }).click();

      const field = page.getByLabel('Your new API key');
      await field.waitFor();
      const successor = await field.inputValue();
      expect(successor).toMatch(/^sk_[0-9A-Za-z]{38}$/);
      expect(await focused(page)).toBe(`h2: New key for “Rolled console” (${own.key.slice(0, 12)}…)`);
      // The page reads the key again, with the new key: the old one is expired, and still shown, not signed out.
      await eventually(async () => expect(await text(details)).toContain('expired'));
      await page.locator('.timeline__type', { hasText: 'Rolled' }).waitFor();
      expect(await page.getByRole('heading', { name: 'Sign in' }).count()).toBe(0);
      expect(await field.inputValue()).toBe(successor);
      expect(await text(statusRegion(page))).toContain('this tab now uses the new key');
      expect(await text(page.locator('.session__key'))).toBe(`Signed in with ${successor.slice(0, 12)}…`);
      const stored = await page.evaluate<string>('JSON.stringify({ ...sessionStorage })');
      expect(stored).toContain(successor);
      expect(stored).not.toContain(own.key);

      await page.getByRole('button', { name: 'I have stored it: hide the key' }).click();
      await page.getByRole('navigation').getByRole('link', { name: 'Keys' }).click();
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      await page
        .locator('tr.key-row', { hasText: successor.slice(0, 12) })
        .getByText('this tab’s key')
        .waitFor();
      await request(d.t.http).get('/v1/api-keys').set(bearer(own.key)).expect(401);
      await request(d.t.http).get('/v1/api-keys').set(bearer(successor)).expect(200);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('keeps a new key on screen when the session ends right after creating it', async () => {
      const doomed = await d.t.bootstrapKey('acme', 'Doomed creator');
      const { page, problems } = await d.open();
      await signIn(page, doomed.key);
      // Revoked elsewhere between the creation and the list's reload: the reload is refused, the session ends.
      await page.route('**/v1/api-keys', async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        const response = await route.fetch();
        await request(d.t.http).delete(`/v1/api-keys/${doomed.keyId}`).set(bearer(d.admin)).expect(200);
        await route.fulfill({ response });
      });
      await page.getByLabel('Name').fill('Made at the last moment');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      const field = page.getByLabel('Your new API key');
      expect(await field.inputValue()).toMatch(/^sk_[0-9A-Za-z]{38}$/);
      expect(await text(statusRegion(page))).toContain('sign in again');
      expect(await focused(page)).toBe('h2: Key “Made at the last moment” created');
      const made = await field.inputValue();
      // Signing in again with another key keeps it too: it goes only when hidden.
      await page.getByLabel('API key', { exact: true }).fill(d.admin);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      expect(await field.inputValue()).toBe(made);
      await page.getByRole('button', { name: 'I have stored it: hide the key' }).click();
      expect(await focused(page)).toBe('h1: API keys');
      expect(unexpectedProblems(problems, [failedWithStatus(401)])).toEqual([]);
    });

    it('asks before disabling its own key, then signs out saying it was disabled', async () => {
      const own = await d.t.bootstrapKey('acme', 'Paused console');
      const { page, problems } = await d.open();
      await signIn(page, own.key);
      const details = await openKeyPage(page, { id: own.keyId });
      await details.getByRole('button', { name: 'Disable' }).click();
      const dialog = page.getByRole('dialog');
      expect(await text(dialog)).toContain('This is the key you are signed in with: you will be signed out');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await request(d.t.http).get('/v1/api-keys').set(bearer(own.key)).expect(200);

      await details.getByRole('button', { name: 'Disable' }).click();
      await dialog.getByRole('button', { name: 'Disable key' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      expect(await text(statusRegion(page))).toBe(
        `You disabled “Paused console” (${own.key.slice(0, 12)}…), the key this tab was signed in with, so you have been signed out. Sign in with another key to enable it again.`,
      );
      await request(d.t.http).get('/v1/api-keys').set(bearer(own.key)).expect(401);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('says a refused sign-in key may be disabled or expired too', async () => {
      const paused = await d.t.bootstrapKey('acme', 'Paused');
      await request(d.t.http).post(`/v1/api-keys/${paused.keyId}/disable`).set(bearer(d.admin)).expect(200);
      const { page, problems } = await d.open();
      await page.goto('/dashboard');
      for (const key of [paused.key, generateApiKey()]) {
        await page.getByLabel('API key').fill(key);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByText('That key was not accepted: it is unknown, revoked, disabled, expired or mistyped.').waitFor();
        await page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor();
      }
      expect(unexpectedProblems(problems, [failedWithStatus(401)])).toEqual([]);
    });

    it('refuses at sign-in a key that cannot read here in words for the sign-in screen, never “sign out”', async () => {
      const parser = await d.createKey('Parses only', { permissions: ['parses:*'] });
      const elsewhere = await d.createKey('Office only', { allowed_ips: ['203.0.113.0/24'] });
      const { page, problems } = await d.open();
      await page.goto('/dashboard');
      for (const [key, reason] of [
        [parser.key, 'This key lacks the permission keys:read.'],
        [elsewhere.key, 'This key may not be used from this address.'],
      ]) {
        await page.getByLabel('API key').fill(key);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByText(reason).waitFor();
        expect(await text(page.locator('#sign-in-error'))).toBe(
          `${reason} The dashboard needs a key that holds keys:read and may be used from here: sign in with another key.`,
        );
        await page.getByRole('button', { name: 'Sign in' }).and(page.locator(':enabled')).waitFor();
      }
      expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
      expect(unexpectedProblems(problems, [failedWithStatus(403)])).toEqual([]);
    });

    it('warns before its own key loses keys:read, then says to sign in with another key and offers to sign out', async () => {
      const own = await d.t.bootstrapKey('acme', 'Narrowed console');
      const { page, problems } = await d.open();
      await signIn(page, own.key);
      const details = await openKeyPage(page, { id: own.keyId });
      await details.getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('region', { name: 'Edit key' });
      await form.getByLabel('Permissions').fill('keys:write');
      await form.getByRole('button', { name: 'Save changes' }).click();
      const dialog = page.getByRole('dialog');
      expect(await text(dialog)).toContain('This is the key you are signed in with, and it would lose keys:read');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect((await request(d.t.http).get(`/v1/api-keys/${own.keyId}`).set(bearer(d.admin)).expect(200)).body.permissions).toEqual(['*']);

      await form.getByRole('button', { name: 'Save changes' }).click();
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await eventually(async () =>
        expect(await text(statusRegion(page))).toBe(
          'This key lacks the permission keys:read. The key this tab is signed in with cannot be used here any more: sign out and sign in with another key. Sign out',
        ),
      );
      await statusRegion(page).getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
      expect(await pageState(page)).not.toContain(own.key);
      expect(unexpectedProblems(problems, [failedWithStatus(403)])).toEqual([]);
    });

    it('warns before its own key is limited to addresses', async () => {
      const own = await d.t.bootstrapKey('acme', 'Fenced console');
      const { page, problems } = await d.open();
      await signIn(page, own.key);
      const details = await openKeyPage(page, { id: own.keyId });
      await details.getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('region', { name: 'Edit key' });
      await form.getByLabel('Allowed addresses').fill('203.0.113.9');
      await form.getByRole('button', { name: 'Save changes' }).click();
      const dialog = page.getByRole('dialog');
      expect(await text(dialog)).toContain('This is the key you are signed in with, and it would only be accepted from 203.0.113.9');
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await eventually(async () =>
        expect(await text(statusRegion(page))).toContain(
          'This key may not be used from this address. The key this tab is signed in with cannot be used here any more',
        ),
      );
      expect(unexpectedProblems(problems, [failedWithStatus(403)])).toEqual([]);
    });
  });
});
