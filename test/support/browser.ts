import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { clockIsFaked, envWithoutFakedClock } from './child-env.js';

/** Debian's Chromium (`apt-get install chromium`); .ci/run installs it when missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, and kept off the network: no updates, no sync, no first-run calls home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

/** Registers a browser suite when Chromium is installed; otherwise prints one line and registers a skipped placeholder. */
export function whenChromium(label: string, register: () => void): void {
  if (existsSync(CHROMIUM_PATH)) return register();
  const reason = `${label} skipped: ${CHROMIUM_PATH} is not installed (apt-get install chromium)`;
  process.stdout.write(`${reason}\n`);
  describe.skip(reason, () => it('needs Chromium', () => undefined));
}

/** `extraArgs` adds to the usual ones, such as a --host-resolver-rules that gives the service a name other than localhost. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], env: envWithoutFakedClock() });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors (CSP violations among them) and uncaught exceptions, in order. */
  problems: string[];
}

/** A fresh context (its own sessionStorage, clipboard allowed where there is one) with one page whose errors are collected. */
export async function openWatchedPage(browser: Browser, baseURL: string, viewport = { width: 1280, height: 860 }): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL, viewport });
  // Under faketime (docs/testing.md) the page reads the service's shifted time, from there on at the real pace.
  if (clockIsFaked()) await context.clock.install({ time: Date.now() });
  // The clipboard exists only in a secure context: Chromium refuses to grant it to plain HTTP elsewhere than loopback.
  if (secureOrigin(baseURL)) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return { context, page, problems };
}

function secureOrigin(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

/** The problems left once the failed requests a test provoked on purpose are set aside. */
export function unexpectedProblems(problems: string[], expected: RegExp[] = []): string[] {
  return problems.filter((problem) => !expected.some((pattern) => pattern.test(problem)));
}

export const failedWithStatus = (status: number) => new RegExp(`^Failed to load resource: the server responded with a status of ${status}\\b`);

/** Saves a screenshot only when DASHBOARD_SCREENSHOTS_DIR is set (`npm run screenshots`). */
export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const dir = process.env.DASHBOARD_SCREENSHOTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: options.fullPage ?? false });
}
