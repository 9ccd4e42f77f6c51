import type { Page } from 'playwright-core';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { unexpectedProblems, whenChromium } from '../support/browser.js';
import { keyRow, signIn, text, useDashboard } from '../support/dashboard.js';
import { keyNamedBefore } from '../support/key-named-before.js';
import { flushUsage } from '../support/usage.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';
const RLO = '\u202e';

/**
 * Whether `needle` reads left to right on screen: the x of its first character is left of its last's. A bidi override
 * before it (a text of the API's) would draw it reversed, "203.0.113.7" as "7.311.0.302".
 */
const readsLeftToRight = (page: Page, selector: string, needle: string) =>
  page.evaluate<boolean>(`(() => {
    const walker = document.createTreeWalker(document.querySelector(${JSON.stringify(selector)}), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(${JSON.stringify(needle)});
      if (at < 0) continue;
      const x = (offset) => { const range = document.createRange(); range.setStart(node, offset); range.setEnd(node, offset + 1); return range.getBoundingClientRect().left; };
      return x(at) < x(at + ${needle.length - 1});
    }
    throw new Error('not on the page: ' + ${JSON.stringify(needle)});
  })()`);

whenChromium('Dashboard bidi suite', () => {
  describe('Dashboard: bidirectional controls in the API’s texts', () => {
    const d = useDashboard({ env: { VERIFY_TOKEN } });

    it('shows a use’s path and user agent with their bidi controls as codes: the address and outcome after them read as sent', async () => {
      const { id } = (await request(d.t.http).get('/v1/whoami').set(bearer(d.admin)).expect(200)).body as { id: string };
      await request(d.t.http)
        .post('/v1/keys/verify')
        .set(bearer(VERIFY_TOKEN))
        .send({ key: d.admin, context: { ip: '203.0.113.7', method: 'POST', path: `/v1/parses${RLO}`, user_agent: `sdk${RLO}/1.2` } })
        .expect(200);
      await flushUsage(d.t);
      const { page, problems } = await open();
      await signIn(page, d.admin);
      await page.goto(`/dashboard#/keys/${id}`);
      const use = page.locator('li', { hasText: '/v1/parses' }).first();
      await use.waitFor();
      await page.evaluate(`document.querySelectorAll('li').forEach((li) => { if (li.textContent.includes('/v1/parses')) li.setAttribute('data-bidi-probe', '') })`);
      expect(await readsLeftToRight(page, '[data-bidi-probe]', '203.0.113.7')).toBe(true);
      expect(await text(use)).toContain('POST /v1/parses\\u202E from 203.0.113.7: accepted (sdk\\u202E/1.2)');
      expect(await page.evaluate<boolean>(`document.querySelector('main').textContent.includes(${JSON.stringify(RLO)})`)).toBe(false);
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    it('names a key given a bidi override before the API refused it by its codes, so the confirmation shows its prefix as it is', async () => {
      const id = await keyNamedBefore(d.t, 'acme', `${RLO}yek-dorp`);
      const { page, problems } = await open();
      await signIn(page, d.admin);
      expect(await text(keyRow(page, id).getByRole('link'))).toBe('\\u202Eyek-dorp');
      await keyRow(page, id).getByRole('button', { name: /^Revoke key/ }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await text(dialog)).toContain('Revoke “\\u202Eyek-dorp” (sk_oldname1…)?');
      expect(await readsLeftToRight(page, 'dialog', 'sk_oldname1')).toBe(true);
      await page.keyboard.press('Escape');
      expect(unexpectedProblems(problems)).toEqual([]);
    });

    const open = () => d.open();
  });
});
