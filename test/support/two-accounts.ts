import { startTestApp, type TestApp } from './test-app.js';

export interface TwoAccounts {
  t: TestApp;
  /** A key of account acme: the caller. */
  acme: string;
  /** A key of account globex, and its id: what acme must not reach. */
  globex: { key: string; keyId: string };
}

/** A test app with one key in each of two accounts, for the cross-account (security) suites. */
export async function startWithTwoAccounts(): Promise<TwoAccounts> {
  const t = await startTestApp();
  const acme = (await t.bootstrapKey('acme')).key;
  const globex = await t.bootstrapKey('globex');
  return { t, acme, globex };
}
