import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import request from 'supertest';
import { bearer } from './auth.js';
import { launchChromium, openWatchedPage, type WatchedPage } from './browser.js';
import { startTogether } from './start-together.js';
import { startTestApp, type TestApp } from './test-app.js';

export interface Key {
  id: string;
  key: string;
  prefix: string;
  name: string;
}

export interface DashboardSuite {
  readonly t: TestApp;
  readonly browser: Browser;
  readonly baseURL: string;
  /** A bootstrap key of the account `acme`. */
  readonly admin: string;
  /** A fresh page, closed after the test. */
  open(viewport?: { width: number; height: number }, baseURL?: string): Promise<WatchedPage>;
  /** A key of `acme` made through the API with the admin key. */
  createKey(name: string, body?: Record<string, unknown>): Promise<Key>;
}

/** The service and Chromium for one browser suite: started before its tests, stopped after them. */
export function useDashboard(options: { env?: Record<string, unknown>; chromiumArgs?: string[] } = {}): DashboardSuite {
  let t: TestApp;
  let browser: Browser;
  let admin: string;
  const pages: WatchedPage[] = [];
  beforeAll(async () => {
    await startTogether([
      startTestApp({ env: { AUTH_FAILURE_LIMIT: 1000, TRUST_PROXY: 'loopback', ...options.env } }).then((started) => (t = started)),
      launchChromium(options.chromiumArgs).then((launched) => (browser = launched)),
    ]);
    admin = (await t.bootstrapKey('acme', 'Admin console')).key;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.destroy();
  });
  afterEach(async () => {
    for (const opened of pages.splice(0)) await opened.context.close();
  });
  const suite: DashboardSuite = {
    get t() {
      return t;
    },
    get browser() {
      return browser;
    },
    get baseURL() {
      return `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`;
    },
    get admin() {
      return admin;
    },
    open: async (viewport, baseURL = suite.baseURL) => {
      const opened = await openWatchedPage(browser, baseURL, viewport);
      // Well inside jest's 30 s, so a wait that fails names what it waited for.
      opened.page.setDefaultTimeout(10_000);
      pages.push(opened);
      return opened;
    },
    createKey: async (name, body = {}) =>
      (
        await request(t.http)
          .post('/v1/api-keys')
          .set(bearer(admin))
          .send({ name, ...body })
          .expect(201)
      ).body,
  };
  return suite;
}

/** Signs in on the sign-in screen and waits until the key list and its charts have answered. */
export async function signIn(page: Page, key: string): Promise<void> {
  await page.goto('/dashboard');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
  // The list and every row's chart have answered: no request of the sign-in is still in flight.
  await page.locator('tr.key-row').first().waitFor();
  await page.locator('main').getByText('Loading').first().waitFor({ state: 'detached' });
}

/** Opens a key's page from the list and waits for its details. */
export async function openKeyPage(page: Page, key: { id: string }): Promise<Locator> {
  await keyRow(page, key.id).locator('th a').click();
  const details = page.getByRole('region', { name: 'Details' });
  await details.waitFor();
  return details;
}

export const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
export const keyRow = (page: Page, id: string) => page.locator(`tr[data-key-id="${id}"]`);
export const statusRegion = (page: Page) => page.getByRole('status');

/** Everything a script could read back from the page: markup, field values, tab storage. */
export const pageState = (page: Page) =>
  page.evaluate<string>(
    `document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join('\\n') + JSON.stringify({ ...sessionStorage })`,
  );

/** What has the focus: its tag, and its text or label, for assertions that read like the page. */
export const focused = (page: Page) =>
  page.evaluate<string>(`(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'body';
    return e.tagName.toLowerCase() + ': ' + (e.getAttribute('aria-label') || e.textContent || '').replace(/\\s+/g, ' ').trim();
  })()`);
