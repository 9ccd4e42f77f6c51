import { readFileSync } from 'node:fs';
import { Environment } from '../shared/config/environment.js';
import { loadConfiguration } from './load-configuration.js';

/** docs/configuration.md's table: each row's settings (one, or two joined by " / ") and its Accepted cell, split alike. */
function documentedSettings(): Map<string, string> {
  const markdown = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const rows = markdown.split('\n').filter((line) => line.startsWith('| `'));
  const settings = new Map<string, string>();
  for (const row of rows) {
    const [names, , accepted] = row.slice(2).split(' | ');
    const each = names.split(' / ').map((name) => name.replaceAll('`', ''));
    const parts = accepted.split(' / ');
    each.forEach((name, i) => settings.set(name, parts.length === each.length ? parts[i] : accepted));
  }
  return settings;
}

/** Settings whose bounds hold only beside another setting's value: HTTP_HEADERS_TIMEOUT_MS may not exceed HTTP_REQUEST_TIMEOUT_MS. */
const BESIDE: Record<string, Record<string, string>> = {
  HTTP_HEADERS_TIMEOUT_MS: { HTTP_REQUEST_TIMEOUT_MS: '3600000' },
  HTTP_REQUEST_TIMEOUT_MS: { HTTP_HEADERS_TIMEOUT_MS: '100' },
};

const refusal = (env: Record<string, string>): string | null => {
  try {
    loadConfiguration(env);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

const defaults = new Environment();
const integerSettings = Object.keys(defaults).filter(
  (name) => typeof defaults[name as keyof Environment] === 'number' || name === 'MAX_KEY_LIFETIME_SECONDS',
);

describe("docs/configuration.md's accepted values against loadConfiguration", () => {
  const documented = documentedSettings();

  it('lists every setting the service reads, and no other', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(defaults).sort());
  });

  it.each(integerSettings)('%s: its documented range is the one enforced, each bound accepted and the next integer out refused', (name) => {
    const accepted = documented.get(name) ?? '';
    const range = /^(\d+)–(\d+)\b/.exec(accepted);
    expect([name, range === null ? `no range documented: "${accepted}"` : 'range']).toEqual([name, 'range']);
    const [min, max] = [Number(range![1]), Number(range![2])];
    const beside = BESIDE[name] ?? {};
    expect([name, refusal({ ...beside, [name]: String(min) }), refusal({ ...beside, [name]: String(max) })]).toEqual([name, null, null]);
    const outOfRange = `Invalid configuration: ${name} must be between ${min} and ${max}`;
    expect([name, refusal({ ...beside, [name]: String(min - 1) }), refusal({ ...beside, [name]: String(max + 1) })]).toEqual([name, outOfRange, outOfRange]);
  });

  it('HOST: an IP address, never a host name', () => {
    expect(documented.get('HOST')).toMatch(/^an IP address.*`localhost` is refused/);
    for (const host of ['0.0.0.0', '127.0.0.1', '::', '::1']) expect([host, refusal({ HOST: host })]).toEqual([host, null]);
    expect(refusal({ HOST: 'localhost' })).toBe('Invalid configuration: HOST must be an IP address');
  });

  it('MONGODB_DB: 1 to 63 letters, digits, _ or -', () => {
    expect(documented.get('MONGODB_DB')).toBe('1 to 63 letters, digits, `_` or `-`');
    expect(refusal({ MONGODB_DB: 'a'.repeat(63) })).toBeNull();
    expect(refusal({ MONGODB_DB: 'Db_1-x' })).toBeNull();
    for (const db of ['a'.repeat(64), 'a.b', 'a b']) expect(refusal({ MONGODB_DB: db })).toBe('Invalid configuration: MONGODB_DB must be 1-63 letters, digits, _ or -');
  });

  it('DATA_DIR: not empty nor only spaces, said in a sentence', () => {
    expect(refusal({ DATA_DIR: '   ' })).toBe('Invalid configuration: DATA_DIR must not be empty or only spaces');
    expect(refusal({ DATA_DIR: ' ./data ' })).toBeNull();
  });
});
