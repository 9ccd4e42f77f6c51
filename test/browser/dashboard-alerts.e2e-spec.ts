import request from 'supertest';
import { bearer } from '../support/auth.js';
import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { type Key, signIn, text, useDashboard } from '../support/dashboard.js';
import { eventually } from '../support/eventually.js';
import { flushUsage } from '../support/usage.js';

whenChromium('Dashboard alerts browser suite', () => {
  describe('Dashboard alerts', () => {
    const d = useDashboard();

    it('names the keys of a page of alerts with one listing request, not one request per key', async () => {
      const owner = await d.t.bootstrapKey('globex', 'Globex console');
      const keys: Key[] = [];
      // Five keys, each presented once after its revocation: five revoked_key_used alerts about five keys.
      for (let i = 1; i <= 5; i++) {
        const key: Key = (
          await request(d.t.http)
            .post('/v1/api-keys')
            .set(bearer(owner.key))
            .send({ name: `Leaked ${i}` })
            .expect(201)
        ).body;
        await request(d.t.http).delete(`/v1/api-keys/${key.id}`).set(bearer(owner.key)).expect(200);
        await request(d.t.http).get('/v1/api-keys').set(bearer(key.key)).expect(401);
        keys.push(key);
      }
      await flushUsage(d.t);
      await eventually(async () => {
        const alerts = (await request(d.t.http).get('/v1/alerts').set(bearer(owner.key)).expect(200)).body.data;
        expect(alerts).toHaveLength(5);
      }, 10_000);

      const { page, problems } = await d.open();
      await signIn(page, owner.key);
      const calls: string[] = [];
      page.on('request', (sent) => {
        const url = new URL(sent.url());
        if (url.pathname.startsWith('/v1/')) calls.push(`${sent.method()} ${url.pathname}${url.search}`);
      });
      await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
      for (const key of keys) {
        const card = page.locator('li.alert-card', { hasText: `“${key.name}” (${key.prefix}…)` });
        await card.getByRole('link', { name: `“${key.name}” (${key.prefix}…)` }).waitFor();
        expect(await text(card)).toContain('This key is revoked.');
      }
      // Before: GET /v1/alerts, then one GET /v1/api-keys/{id} per key named (1 + N).
      expect(calls).toEqual(['GET /v1/alerts?limit=20', 'GET /v1/api-keys?limit=100']);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('shows a key beyond the keys it read by its id, linked to its page', async () => {
      const owner = await d.t.bootstrapKey('initrode', 'Initrode console');
      const old: Key = (await request(d.t.http).post('/v1/api-keys').set(bearer(owner.key)).send({ name: 'Very old key' }).expect(201)).body;
      await request(d.t.http).delete(`/v1/api-keys/${old.id}`).set(bearer(owner.key)).expect(200);
      await request(d.t.http).get('/v1/api-keys').set(bearer(old.key)).expect(401);
      await flushUsage(d.t);
      await eventually(async () => expect((await request(d.t.http).get('/v1/alerts').set(bearer(owner.key)).expect(200)).body.data).toHaveLength(1), 10_000);

      const { page, problems } = await d.open();
      await signIn(page, owner.key);
      // As if the account had more keys than one listing page, the old one beyond it.
      await page.route('**/v1/api-keys?limit=100', async (route) => {
        const response = await route.fetch();
        const body = await response.json();
        await route.fulfill({ response, json: { data: body.data.filter((key: Key) => key.id !== old.id), has_more: false } });
      });
      await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
      const card = page.locator('li.alert-card');
      await card.getByRole('link', { name: old.id }).waitFor();
      expect(await card.getByRole('link', { name: old.id }).getAttribute('href')).toBe(`#/keys/${old.id}`);
      expect(await text(card)).toContain('Open the key’s page to see it and revoke it.');
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it("says an hour's summary of an account's expired keys is about several keys, not an address", async () => {
      const owner = await d.t.bootstrapKey('umbrella', 'Umbrella console');
      const { page, problems } = await d.open();
      await signIn(page, owner.key);
      // The summary an hour of 300 expired keys retried by a batch raises (anomaly-detector.spec.ts), as GET /v1/alerts gives it.
      const summary = {
        id: 'a'.repeat(32),
        rule: 'failed_auth_burst',
        key_id: null,
        ip: null,
        evidence: { summary: true, reason: 'expired', bursts: 300, alerted: 10, unalerted: 290, keyCount: 300, keys: [{ keyId: 'k-1', bursts: 1 }] },
        window_start: '2026-03-02T00:00:00.000Z',
        window_end: '2026-03-02T01:00:00.000Z',
        detected_at: '2026-03-02T01:00:00.000Z',
      };
      await page.route('**/v1/alerts?limit=20', (route) => route.fulfill({ json: { data: [summary], has_more: false } }));
      await page.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
      const card = page.locator('li.alert-card');
      await card.getByRole('heading', { name: 'Expired keys still presented' }).waitFor();
      expect(await text(card)).toContain('Several (named in the evidence)');
      expect(await text(card)).not.toContain('about an address');
      expect(unexpectedProblems(problems)).toEqual([]);
    });
  });
});
