import request from 'supertest';
import { DASHBOARD_CONTENT_SECURITY_POLICY } from '../../src/dashboard/dashboard-security-headers.js';
import { generateApiKey } from '../../src/keys/domain/api-key-secret.js';
import { bearer } from '../support/auth.js';
import { failedWithStatus, saveScreenshot, unexpectedProblems, whenChromium } from '../support/browser.js';
import { keyRow, pageState, signIn, statusRegion, text, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';
import { keyNamedBefore } from '../support/key-named-before.js';
import { recordPastUses } from '../support/past-usage.js';
import { flushUsage } from '../support/usage.js';

whenChromium('Dashboard browser suite', () => {
  describe('Dashboard in headless Chromium', () => {
    // key_expiring warns an hour ahead here, so a key created 2 s before its window is warned at a use 2 s later.
    const d = useDashboard({ env: { ANOMALY_THRESHOLDS: JSON.stringify({ expiryWarningHours: 1 }) } });
    const open = d.open;
    const createKey = d.createKey;
    const revokeByApi = (id: string) => request(d.t.http).delete(`/v1/api-keys/${id}`).set(bearer(d.admin)).expect(200);

    it('signs in with a pasted key, answers a wrong one in words, keeps the key in the tab only, and signs out', async () => {
      const { page, context, problems } = await open();
      const response = await page.goto('/dashboard');
      expect(response?.headers()['content-security-policy']).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
      expect(response?.headers()['x-content-type-options']).toBe('nosniff');
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await saveScreenshot(page, 'sign-in');

      const field = page.getByLabel('API key');
      await field.fill('sk_not_a_key');
      await field.press('Enter');
      await page.getByText('That is not an API key').waitFor();
      await field.fill(generateApiKey());
      await field.press('Enter');
      await page.getByText('That key was not accepted: it is unknown, revoked, disabled, expired or mistyped.').waitFor();

      await field.fill(d.admin);
      await field.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      expect(await text(statusRegion(page))).toBe(`Signed in with ${d.admin.slice(0, 12)}…`);
      expect(await page.evaluate<string>('JSON.stringify({ ...sessionStorage })')).toContain(d.admin);
      expect(await page.evaluate<number>('localStorage.length')).toBe(0);
      expect(await context.cookies()).toEqual([]);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      expect(await text(statusRegion(page))).toContain('Signed out');
      expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
      expect(await pageState(page)).not.toContain(d.admin);
      expect(unexpectedProblems(problems, [failedWithStatus(401)])).toEqual([]);
    });

    it('creates a key and shows it once, with a copy button and a warning, then removes it from the page', async () => {
      const { page, problems } = await open();
      await signIn(page, d.admin);
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByText('Give the key a name').waitFor();
      expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');

      await page.getByLabel('Name').fill('CI deploy');
      await page.getByLabel('Requests allowed').fill('100');
      await page.getByLabel('Window in seconds').fill('60');
      await page.getByRole('button', { name: 'Create key' }).click();
      const notice = page.getByRole('region', { name: 'Key “CI deploy” created' });
      await notice.waitFor();
      expect(await text(notice)).toContain('Copy this key now: it cannot be shown again.');
      const key = await page.getByLabel('Your new API key').inputValue();
      expect(key).toMatch(/^sk_[0-9A-Za-z]{38}$/);
      const row = page.locator('tr', { hasText: 'CI deploy' });
      await row.waitFor();
      expect(await text(row)).toContain(`${key.slice(0, 12)}…`);
      expect(await text(row)).toContain('100 per 60 s');
      expect(await text(row)).not.toContain(key);
      await saveScreenshot(page, 'create-key');

      await page.getByRole('button', { name: 'Copy key' }).click();
      await eventually(async () => expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(key));
      expect(await text(statusRegion(page))).toBe('The key is in your clipboard.');
      expect(await page.evaluate<number>(`[...document.querySelectorAll('input')].filter((i) => i.labels.length === 0).length`)).toBe(0);
      expect(await page.evaluate<number>(`[...document.querySelectorAll('button')].filter((b) => !b.textContent.trim()).length`)).toBe(0);

      await page.getByRole('button', { name: 'I have stored it: hide the key' }).click();
      await notice.waitFor({ state: 'detached' });
      expect(await text(statusRegion(page))).toBe('The full key has been removed from this page.');
      expect(await pageState(page)).not.toContain(key);
      await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(key)).expect(200);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('creates keys within the signed-in key: a limit above its own is refused beside the form, a key without one ends with it', async () => {
      const signedIn = await request(d.t.http)
        .post('/v1/api-keys')
        .set(bearer(d.admin))
        .send({ name: 'Hour console', expires_in_seconds: 3600, rate_limit: { requests: 100, per_seconds: 60 } })
        .expect(201);
      const { page, problems } = await open();
      await signIn(page, signedIn.body.key);
      await page.getByLabel('Name').fill('Too fast');
      await page.getByLabel('Requests allowed').fill('1000');
      await page.getByLabel('Window in seconds').fill('60');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByText('This key may not grant a rate_limit above its own (100 requests per 60 seconds).').waitFor();

      await page.getByLabel('Name').fill('Within the console');
      await page.getByLabel('Requests allowed').fill('');
      await page.getByLabel('Window in seconds').fill('');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('region', { name: 'Key “Within the console” created' }).waitFor();
      const listed = (await request(d.t.http).get('/v1/api-keys?limit=100').set(bearer(d.admin)).expect(200)).body.data as Array<Record<string, unknown>>;
      expect(listed.filter((key) => key.name === 'Too fast')).toEqual([]);
      expect(listed.find((key) => key.name === 'Within the console')).toMatchObject({
        expires_at: signedIn.body.expires_at,
        rate_limit: { requests: 100, per_seconds: 60 },
      });
      expect(unexpectedProblems(problems, [failedWithStatus(403)])).toEqual([]);
    });

    it('signs in and refreshes a page of 20 keys in one request each, so its own browsing raises no rate_spike', async () => {
      for (let i = 1; i <= 19; i++) await d.t.bootstrapKey('umbrella', `Service ${i}`);
      const session = await d.t.bootstrapKey('umbrella', 'Console key');
      // A key in use an hour ago and idle since: the detector has its baseline, and 60 requests in a minute are a spike.
      recordPastUses(d.t, { id: session.keyId, accountId: 'umbrella' }, { 1: 1 });
      await flushUsage(d.t);
      const { page, problems } = await open();
      const calls: string[] = [];
      page.on('request', (sent) => {
        const url = new URL(sent.url());
        if (url.pathname.startsWith('/v1/')) calls.push(`${sent.method()} ${url.pathname}${url.search}`);
      });
      await signIn(page, session.key);
      expect(await page.locator('tr.key-row').count()).toBe(20);
      expect(await page.locator('tr.key-row svg.usage-chart').count()).toBe(20);
      for (let i = 0; i < 3; i++) {
        const answered = page.waitForResponse((answer) => answer.url().includes('/v1/api-keys?'));
        await page.getByRole('button', { name: 'Refresh' }).click();
        await answered;
      }
      await page.locator('tr.key-row svg.usage-chart').nth(19).waitFor();
      // Before: 1 + 21 at sign-in, 21 per refresh (one GET /v1/api-keys/{id} per row for its chart): 85 in seconds.
      const list = 'GET /v1/api-keys?limit=20&include=requests_per_hour';
      expect(calls).toEqual(['GET /v1/whoami', list, list, list, list]);
      await flushUsage(d.t);
      const alerts = (await request(d.t.http).get(`/v1/alerts?key_id=${session.keyId}`).set(bearer(session.key)).expect(200)).body.data;
      expect(alerts.map((alert: { rule: string }) => alert.rule)).toEqual([]);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('still lists the keys, their charts said unavailable, when the usage views cannot be read (503)', async () => {
      const { page, problems } = await open();
      await page.route('**/v1/api-keys?*include=requests_per_hour*', (route) =>
        route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { type: 'service_unavailable_error', message: 'down' } }) }),
      );
      await signIn(page, d.admin);
      const firstRow = page.locator('tr.key-row').first();
      expect(await text(firstRow.locator('[data-label="Requests by hour"]'))).toBe('Unavailable');
      expect(await page.locator('tr.key-row svg.usage-chart').count()).toBe(0);
      expect(unexpectedProblems(problems, [failedWithStatus(503)])).toEqual([]);
    });

    it('lists each key with its request count, last use and a 24-hour chart, and shows names as text, never as HTML', async () => {
      const worker = await createKey('Nightly sync');
      const seeded = recordPastUses(d.t, { id: worker.id, accountId: 'acme' }, { 2: 6, 5: 9, 9: 4, 14: 12, 20: 7 });
      const live = 7;
      for (let i = 0; i < live; i++) await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(worker.key)).expect(200);
      const hostileName = '<img src=x onerror=alert(1)>';
      const hostile = await createKey(hostileName);
      await flushUsage(d.t);

      const { page, problems } = await open();
      await signIn(page, d.admin);
      const row = keyRow(page, worker.id);
      const chart = row.getByRole('img');
      await chart.waitFor();
      expect(await text(row.locator('[data-label="Requests"]'))).toBe(String(seeded + live));
      expect(await text(row.locator('[data-label="Last used"]'))).toMatch(/^(just now|1 minute ago)\s*\S/);
      expect(await text(row.locator('[data-label="Rate limit"]'))).toBe('1,000 per 60 s');
      expect(await chart.getAttribute('aria-label')).toMatch(new RegExp(`^${seeded + live} requests since \\w+ \\d\\d:00( [AP]M)?,`));
      expect(await chart.locator('rect.bar:not(.bar--empty)').count()).toBe(6);
      expect(await chart.locator('rect.bar').count()).toBe(24);
      // The column says what the chart holds, as the key page's heading does: not "Last 24 hours", which it is not (at
      // 16:05 it starts at 17:00 the day before).
      expect(await page.getByRole('columnheader').allTextContents()).toContain('Requests by hour');
      expect(await row.locator('[data-label="Requests by hour"] svg.usage-chart').count()).toBe(1);

      expect(await text(keyRow(page, hostile.id).getByRole('link'))).toBe(hostileName);
      expect(await page.locator('main img').count()).toBe(0);
      await saveScreenshot(page, 'keys', { fullPage: true });
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('marks a key that ends within a week with when it ends, in the list and on its page; a later or no expiry gets no mark', async () => {
      const create = async (name: string, expiresInSeconds?: number) =>
        (await request(d.t.http).post('/v1/api-keys').set(bearer(d.admin)).send({ name, expires_in_seconds: expiresInSeconds }).expect(201)).body;
      const soon = await create('Ends in two days', 2 * 86_400 + 600);
      const later = await create('Ends in a month', 30 * 86_400);
      const never = await create('Never ends');
      expect(never.expires_at).toBeNull();
      const { page, problems } = await open();
      await signIn(page, d.admin);
      const mark = (id: string) => keyRow(page, id).locator('[data-label="Status"] .badge--expiring');
      await mark(soon.id).waitFor();
      expect(await text(mark(soon.id))).toBe('expires in 2 days');
      expect(await mark(later.id).count()).toBe(0);
      expect(await mark(never.id).count()).toBe(0);
      await keyRow(page, soon.id).getByRole('link').click();
      await page.locator('.facts .badge--expiring', { hasText: 'expires in 2 days' }).waitFor();
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('shows a name of invisible characters only, kept from before the API refused them, as no name: never an empty link or heading', async () => {
      const id = await keyNamedBefore(d.t, 'acme', '\u3164');
      const { page, problems } = await open();
      await signIn(page, d.admin);
      const link = keyRow(page, id).getByRole('link');
      expect(await text(link)).toBe('Name of invisible characters');
      await link.click();
      await page.getByRole('heading', { level: 1, name: 'Key sk_oldname1…', exact: true }).waitFor();
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('revokes a key after a confirmation that names it: the row turns revoked without a reload, and the API refuses the key', async () => {
      const leaked = await createKey('Leaked laptop key');
      const { page, problems } = await open();
      await signIn(page, d.admin);
      await page.evaluate('window.sameDocument = true');
      const row = keyRow(page, leaked.id);
      const revoke = row.getByRole('button', { name: `Revoke key “Leaked laptop key” (${leaked.prefix}…)` });

      await revoke.click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await text(dialog)).toContain(`Revoke “Leaked laptop key” (${leaked.prefix}…)?`);
      expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Cancel');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await page.evaluate<string>(`document.activeElement.getAttribute('aria-label')`)).toBe(await revoke.getAttribute('aria-label'));
      expect(await text(row.locator('[data-label="Status"]'))).toBe('active');

      await revoke.click();
      await dialog.getByRole('button', { name: 'Revoke key' }).click();
      await eventually(async () => expect(await text(row.locator('[data-label="Status"]'))).toBe('revoked'));
      expect(await row.getByRole('button').count()).toBe(0);
      expect(await text(statusRegion(page))).toContain('Revoked “Leaked laptop key”');
      expect(await page.evaluate<boolean>('window.sameDocument')).toBe(true);
      await request(d.t.http).get('/v1/api-keys').set(bearer(leaked.key)).expect(401);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('lists alerts newest first with the key, the rule and its evidence, and revokes the key concerned in one click', async () => {
      const shared = await createKey('Shared script');
      for (let i = 1; i <= 10; i++) {
        await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(shared.key)).set('X-Forwarded-For', `198.51.100.${i}`).expect(200);
      }
      const old = await createKey('Old CI key');
      await revokeByApi(old.id);
      await request(d.t.http).get('/v1/api-keys').set(bearer(old.key)).set('X-Forwarded-For', '192.0.2.44').expect(401);
      const nightly = (await request(d.t.http).post('/v1/api-keys').set(bearer(d.admin)).send({ name: 'Nightly export', expires_in_seconds: 3602 }).expect(201)).body;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(nightly.expires_at) - 3_600_000 - Date.now() + 100)));
      await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(nightly.key)).expect(200);
      await flushUsage(d.t);
      let alertIds: string[] = [];
      await eventually(async () => {
        const alerts = (await request(d.t.http).get('/v1/alerts').set(bearer(d.admin)).expect(200)).body.data;
        expect(alerts.map((a: { rule: string; key_id: string }) => [a.rule, a.key_id])).toEqual(
          expect.arrayContaining([
            ['many_addresses', shared.id],
            ['revoked_key_used', old.id],
            ['key_expiring', nightly.id],
          ]),
        );
        alertIds = alerts.map((a: { id: string }) => a.id);
      }, 10_000);

      const { page, problems } = await open();
      await signIn(page, d.admin);
      await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
      const cards = page.locator('li.alert-card');
      await eventually(async () => expect(await cards.evaluateAll((items) => items.map((item) => item.getAttribute('data-alert-id')))).toEqual(alertIds));

      const spread = page.locator(`li.alert-card[data-rule="many_addresses"]`);
      await spread.getByRole('link', { name: `“Shared script” (${shared.prefix}…)` }).waitFor();
      const spreadText = await text(spread);
      expect(spreadText).toContain('Many client addresses');
      expect(spreadText).toContain('distinct addresses10');
      expect(spreadText).toContain('198.51.100.1, 198.51.100.10, 198.51.100.2');
      const stolen = page.locator(`li.alert-card[data-rule="revoked_key_used"]`, { hasText: 'Old CI key' });
      await stolen.getByText('This key is revoked.').waitFor();
      expect(await text(stolen)).toContain('Revoked key used');
      expect(await text(stolen)).toContain('192.0.2.44');
      const expiring = page.locator(`li.alert-card[data-rule="key_expiring"]`, { hasText: 'Nightly export' });
      await expiring.getByRole('link', { name: /^“Nightly export”/ }).waitFor();
      expect(await text(expiring)).toContain('Key in use about to expire');
      expect(await text(expiring)).toContain('seconds left');
      // Its remedy is a later expiry, on the key's page; revoking would end it sooner. Rolling would not help: the
      // successor takes the same expiry (until 2026-12-06 the card said "Extend its expiry or roll it").
      expect(await text(expiring)).not.toMatch(/or roll it/i);
      expect(await text(expiring)).toContain('Rolling it would not: its successor takes the same expiry.');
      const renew = expiring.getByRole('link', { name: /^Extend its expiry:/ });
      await renew.waitFor();
      expect(await renew.getAttribute('href')).toBe(`#/keys/${nightly.id}`);
      expect(await expiring.getByRole('button', { name: /^Revoke this key/ }).count()).toBe(0);
      await saveScreenshot(page, 'alerts', { fullPage: true });

      await spread.getByRole('button', { name: /^Revoke this key/ }).click();
      const dialog = page.getByRole('dialog');
      expect(await text(dialog)).toContain('Shared script');
      await dialog.getByRole('button', { name: 'Revoke key' }).click();
      await spread.getByText('This key is revoked.').waitFor();
      await request(d.t.http).get('/v1/api-keys').set(bearer(shared.key)).expect(401);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('says a burst of refusals is about the key, from any addresses, and names the address of the refusal that completed it', async () => {
      const fenced = await createKey('Office-only key', { allowed_ips: ['203.0.113.5'] });
      // 20 refusals from 20 addresses: one burst of the key, none of any address.
      for (let i = 1; i <= 20; i++) {
        await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(fenced.key)).set('X-Forwarded-For', `198.51.100.${100 + i}`).expect(403);
      }
      await flushUsage(d.t);
      await eventually(async () => {
        const alerts = (await request(d.t.http).get(`/v1/alerts?key_id=${fenced.id}`).set(bearer(d.admin)).expect(200)).body.data;
        expect(alerts.map((a: { rule: string; ip: string }) => [a.rule, a.ip])).toEqual([['failed_auth_burst', '198.51.100.120']]);
      }, 10_000);

      const { page, problems } = await open();
      await signIn(page, d.admin);
      await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
      const card = page.locator('li.alert-card[data-rule="failed_auth_burst"]', { hasText: 'Office-only key' });
      await card.getByRole('link', { name: `“Office-only key” (${fenced.prefix}…)` }).waitFor();
      const cardText = await text(card);
      expect(cardText).toContain('Many requests with this key were refused in a short time');
      expect(cardText).not.toMatch(/from one address/);
      expect(cardText).toContain('Last refusal from198.51.100.120');
      expect(cardText).toContain('reasonforbidden_address');
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('opens a key: its details, usage, alerts and whole history from the event log as a timeline, the latest first, paged back in time', async () => {
      const short = await createKey('Timeline demo', { permissions: ['keys:read'] });
      for (let i = 0; i < 3; i++) await request(d.t.http).get('/v1/api-keys?limit=1').set(bearer(short.key)).set('User-Agent', 'demo/1').expect(200);
      // A read-only key trying a write: a refused use.
      await request(d.t.http).post('/v1/api-keys').set(bearer(short.key)).set('User-Agent', 'demo/1').send({}).expect(403);
      // Uses are appended in batches: written now, they come before the revocation in the log, as in time.
      await flushUsage(d.t);
      await revokeByApi(short.id);
      const busy = await createKey('Busy worker');
      const seeded = recordPastUses(d.t, { id: busy.id, accountId: 'acme' }, { 1: 8, 3: 14, 4: 10, 7: 16, 12: 9, 18: 5 });
      await flushUsage(d.t);

      const { page, problems } = await open();
      const historyRequests: URL[] = [];
      page.on('request', (sent) => {
        const url = new URL(sent.url());
        if (url.pathname.endsWith('/events')) historyRequests.push(url);
      });
      await signIn(page, d.admin);
      await keyRow(page, short.id).getByRole('link', { name: 'Timeline demo' }).click();
      await page.getByRole('heading', { level: 1, name: 'Key “Timeline demo”' }).waitFor();
      expect(new URL(page.url()).hash).toBe(`#/keys/${short.id}`);
      const details = page.getByRole('region', { name: 'Details' });
      await details.getByText('3 accepted, 0 rate-limited, 1 refused').waitFor();
      expect(await text(details)).toContain('revoked');
      expect(await text(details)).toContain('demo/1');
      const items = page.locator('.timeline__item');
      await eventually(async () => expect(await items.count()).toBe(6));
      expect(await page.locator('.timeline__type').allTextContents()).toEqual(['Revoked', 'Used', 'Used', 'Used', 'Used', 'Created']);
      // The latest first, each with its place in the log.
      const times = await page.locator('.timeline__head time').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime') ?? ''));
      expect(times).toEqual([...times].sort().reverse());
      const positions = await page.locator('.timeline__position').allTextContents();
      expect(positions).toHaveLength(6);
      for (const position of positions) expect(position).toMatch(/^log #\d+$/);
      expect(await text(items.last())).toContain('Named “Timeline demo”, limit 1,000 per 60 s, by key');
      expect(await text(items.nth(4))).toContain('GET /v1/api-keys?limit=[redacted] from 127.0.0.1: accepted (demo/1)');
      expect(await text(items.nth(1))).toContain('POST /v1/api-keys from 127.0.0.1: refused (a permission or address it lacks) (demo/1)');
      expect(await page.getByRole('button', { name: 'Load older events' }).count()).toBe(0);
      expect(await text(page.getByRole('region', { name: 'Alerts about this key' }))).toContain('No alerts about this key.');
      await saveScreenshot(page, 'key-detail', { fullPage: true });

      await page.getByRole('link', { name: '← All keys' }).click();
      await keyRow(page, busy.id).getByRole('link', { name: 'Busy worker' }).click();
      await page.getByRole('heading', { level: 1, name: 'Key “Busy worker”' }).waitFor();
      await eventually(async () => expect(await items.count()).toBe(50));
      // The latest first: its creation (now: the uses seeded are dated in the hours before), then its latest uses.
      expect(await page.locator('.timeline__type').allTextContents()).toEqual(['Created', ...Array(49).fill('Used')]);
      const usage = page.getByRole('region', { name: 'Requests by hour' }).getByRole('img');
      expect(await usage.getAttribute('aria-label')).toMatch(new RegExp(`^${seeded} requests since \\w+ \\d\\d:00( [AP]M)?,`));
      const firstPageEnd = (await items.nth(49).locator('.timeline__head time').getAttribute('datetime'))!;
      await page.getByRole('button', { name: 'Load older events' }).click();
      await eventually(async () => expect(await items.count()).toBe(1 + seeded));
      expect(await page.getByRole('button', { name: 'Load older events' }).count()).toBe(0);
      expect((await items.nth(50).locator('.timeline__head time').getAttribute('datetime'))! <= firstPageEnd).toBe(true);
      const allTimes = await page.locator('.timeline__head time').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime') ?? ''));
      expect(allTimes).toEqual([...allTimes].sort().reverse());
      // Asked of the API newest first, the later page with the cursor the first gave.
      const busyRequests = historyRequests.filter((url) => url.pathname.includes(busy.id));
      expect(busyRequests.map((url) => [url.searchParams.get('direction'), url.searchParams.has('cursor')])).toEqual([
        ['newest_first', false],
        ['newest_first', true],
      ]);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('revokes from a key’s own page and shows the revocation in its timeline without a reload', async () => {
      const key = await createKey('Page revoke');
      const { page, problems } = await open();
      await signIn(page, d.admin);
      await page.evaluate('window.sameDocument = true');
      await keyRow(page, key.id).getByRole('link', { name: 'Page revoke' }).click();
      await page.getByRole('heading', { level: 1, name: 'Key “Page revoke”' }).waitFor();
      await eventually(async () => expect(await page.locator('.timeline__type').allTextContents()).toEqual(['Created']));

      await page.getByRole('region', { name: 'Details' }).getByRole('button', { name: 'Revoke this key' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
      await eventually(async () => expect(await page.locator('.timeline__type').allTextContents()).toEqual(['Revoked', 'Created']));
      expect(await text(page.getByRole('region', { name: 'Details' }))).toContain('revoked');
      expect(await page.evaluate<boolean>('window.sameDocument')).toBe(true);
      await request(d.t.http).get('/v1/api-keys').set(bearer(key.key)).expect(401);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('rolls a key with the grace chosen: shows the new key once, and the old key’s traffic since the roll', async () => {
      const old = await createKey('Rolling key');
      const { page, problems } = await open();
      await signIn(page, d.admin);
      await keyRow(page, old.id).getByRole('link', { name: 'Rolling key' }).click();
      await page.getByRole('heading', { level: 1, name: 'Key “Rolling key”' }).waitFor();
      await page.getByRole('region', { name: 'Details' }).getByRole('button', { name: 'Roll' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('The old key stops').selectOption({ label: 'In 1 hour' });
      await dialog.getByRole('button', { name: 'Roll key' }).click();
      const field = page.getByLabel('Your new API key');
      await field.waitFor();
      const successorKey = await field.inputValue();
      expect(successorKey).toMatch(/^sk_[0-9A-Za-z]{38}$/);
      // The old key still works during the grace period, the new one too; the old one's use shows on its page.
      await request(d.t.http).get('/v1/api-keys').set(bearer(old.key)).expect(200);
      await request(d.t.http).get('/v1/api-keys').set(bearer(successorKey)).expect(200);
      await flushUsage(d.t);
      const rotation = page.getByRole('region', { name: 'Rolled: traffic since the roll' });
      await rotation.waitFor();
      await eventually(async () => expect(await page.locator('.timeline__type').allTextContents()).toContain('Rolled'));
      await page.getByRole('button', { name: 'I have stored it: hide the key' }).click();
      expect(await pageState(page)).not.toContain(successorKey);
      await page.reload();
      await eventually(async () => expect(await text(page.getByRole('region', { name: 'Rolled: traffic since the roll' }))).toMatch(/Requests since the roll\s*1(?!\d)/));
      const grace = await request(d.t.http).get(`/v1/api-keys/${old.id}`).set(bearer(d.admin)).expect(200);
      expect(Date.parse(grace.body.rotation.grace_ends_at) - Date.parse(grace.body.rotation.rolled_at)).toBe(3_600_000);
      await saveScreenshot(page, 'rolled-key', { fullPage: true });
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('edits a key with its ETag, and says in words when it was changed meanwhile instead of overwriting', async () => {
      const key = await createKey('Editable key');
      const { page, problems } = await open();
      await signIn(page, d.admin);
      await keyRow(page, key.id).getByRole('link', { name: 'Editable key' }).click();
      await page.getByRole('heading', { level: 1, name: 'Key “Editable key”' }).waitFor();
      await page.getByRole('region', { name: 'Details' }).getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('region', { name: 'Edit key' });
      await form.getByLabel('Name').fill('Edited key');
      await form.getByLabel('Permissions').fill('keys:read');
      await form.getByLabel('Allowed addresses').fill('127.0.0.1\n203.0.113.0/24');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('heading', { level: 1, name: 'Key “Edited key”' }).waitFor();
      const details = await text(page.getByRole('region', { name: 'Details' }));
      expect(details).toContain('keys:read');
      expect(details).toContain('127.0.0.1, 203.0.113.0/24');
      await request(d.t.http).post('/v1/api-keys').set(bearer(key.key)).expect(403);

      // Open the form, then change the key elsewhere: saving must not overwrite that change.
      await page.getByRole('region', { name: 'Details' }).getByRole('button', { name: 'Edit' }).click();
      await request(d.t.http).patch(`/v1/api-keys/${key.id}`).set(bearer(d.admin)).send({ name: 'Changed elsewhere' }).expect(200);
      await form.getByLabel('Name').fill('Stale edit');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await form.getByRole('alert').getByText('Nothing was saved: this key was changed elsewhere').waitFor();
      await form.getByRole('alert').getByRole('button', { name: 'Show the current values' }).click();
      await form.getByText('Changed elsewhere too, now: Changed elsewhere. Yours is kept.').waitFor();
      // The earlier save's "Changes saved." is gone: it would contradict the form.
      expect(await text(page.locator('#status'))).toBe('');
      await saveScreenshot(page, 'edit-conflict');
      expect((await request(d.t.http).get(`/v1/api-keys/${key.id}`).set(bearer(d.admin)).expect(200)).body.name).toBe('Changed elsewhere');
      expect(unexpectedProblems(problems, [failedWithStatus(412)])).toEqual([]);
    });

    it('disables and enables a key from its page', async () => {
      const key = await createKey('Pausable key');
      const { page, problems } = await open();
      await signIn(page, d.admin);
      await keyRow(page, key.id).getByRole('link', { name: 'Pausable key' }).click();
      const details = page.getByRole('region', { name: 'Details' });
      await details.getByRole('button', { name: 'Disable' }).click();
      await eventually(async () => expect(await text(details)).toContain('disabled'));
      await request(d.t.http).get('/v1/api-keys').set(bearer(key.key)).expect(401);
      await details.getByRole('button', { name: 'Enable' }).click();
      await details.getByRole('button', { name: 'Disable' }).waitFor();
      await request(d.t.http).get('/v1/api-keys').set(bearer(key.key)).expect(200);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('warns before revoking the key the tab is signed in with, then signs out', async () => {
      const temporary = await d.t.bootstrapKey('acme', 'Temporary admin');
      const { page, problems } = await open();
      await signIn(page, temporary.key);
      const row = keyRow(page, temporary.keyId);
      expect(await text(row)).toContain('this tab’s key');
      await row.getByRole('button', { name: /^Revoke key/ }).click();
      const dialog = page.getByRole('dialog');
      expect(await text(dialog)).toContain('This is the key you are signed in with: you will be signed out');
      await dialog.getByRole('button', { name: 'Revoke key' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      expect(await text(statusRegion(page))).toContain('the key this tab was signed in with, so you have been signed out');
      expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
      await request(d.t.http).get('/v1/api-keys').set(bearer(temporary.key)).expect(401);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('says so in words when the signed-in key has been revoked elsewhere, and asks to sign in again', async () => {
      const doomed = await d.t.bootstrapKey('acme', 'Doomed admin');
      const { page, problems } = await open();
      await signIn(page, doomed.key);
      await revokeByApi(doomed.keyId);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      expect(await text(statusRegion(page))).toBe('Your key is no longer accepted (revoked, disabled or expired): sign in again with a valid key.');
      expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
      expect(unexpectedProblems(problems, [failedWithStatus(401)])).toEqual([]);
    });

    it('says so in words when the rate limit is hit, with the wait from Retry-After', async () => {
      const limited = await d.t.bootstrapKey('initech', 'Tiny limit', { requests: 3, perSeconds: 3600 });
      const { page, problems } = await open();
      // Signing in, the list (its charts included) and one refresh spend the three requests; the next refresh is refused.
      await signIn(page, limited.key);
      await keyRow(page, limited.keyId).getByRole('img').waitFor();
      const refreshed = page.waitForResponse((answer) => answer.url().includes('/v1/api-keys?'));
      await page.getByRole('button', { name: 'Refresh' }).click();
      expect((await refreshed).status()).toBe(200);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await eventually(async () => expect(await text(statusRegion(page))).toMatch(/^Rate limit of 3 requests per 3600 seconds exceeded for this key\. Try again in \d+ minutes\.$/));
      expect(await text(page.locator('main'))).toContain('Rate limit of 3 requests per 3600 seconds exceeded');
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      expect(unexpectedProblems(problems, [failedWithStatus(429)])).toEqual([]);
    });

    it('says so in words when the network fails', async () => {
      const { page, problems } = await open();
      await signIn(page, d.admin);
      await page.route('**/v1/**', (route) => route.abort('internetdisconnected'));
      await page.getByRole('button', { name: 'Refresh' }).click();
      await eventually(async () =>
        expect(await text(statusRegion(page))).toBe('Could not reach the service: check your network connection, then try again.'),
      );
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      expect(unexpectedProblems(problems, [/net::ERR_INTERNET_DISCONNECTED/])).toEqual([]);
    });

    it('shows the keys a page at a time, newest first', async () => {
      const owner = await d.t.bootstrapKey('hooli', 'Hooli admin');
      const names: string[] = [];
      for (let i = 1; i <= 21; i++) {
        names.push(`Batch key ${i}`);
        await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: names.at(-1) }).expect(201);
      }
      const { page, problems } = await open();
      await signIn(page, owner.key);
      const rowNames = () => page.locator('tr.key-row th a').allTextContents();
      expect(await rowNames()).toEqual(names.slice(1).reverse());
      await page.getByRole('button', { name: 'Show more keys' }).click();
      await eventually(async () => expect(await rowNames()).toEqual([...names].reverse().concat('Hooli admin')));
      expect(await page.getByRole('button', { name: 'Show more keys' }).count()).toBe(0);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('fits a phone screen: each key becomes a card and nothing scrolls sideways', async () => {
      const { page, problems } = await open({ width: 375, height: 812 });
      await signIn(page, d.admin);
      await page.locator('tr.key-row').first().getByRole('img').waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('.key-row td'), '::before').content`)).toMatch(/^"Prefix"( \/ "")?$/);
      await page.locator('tr.key-row').first().scrollIntoViewIfNeeded();
      await saveScreenshot(page, 'phone');
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
