import { jest } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePublicKeys, RELOAD_AFTER_MS, ScannerKeysUnavailable, ScannerPublicKeys } from './scanner-public-keys.js';
import { isSignedBy } from './scanner-signature.js';

const pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pem = (key: ReturnType<typeof pair>['publicKey']) => key.export({ type: 'spki', format: 'pem' }).toString();
const signed = (body: Buffer, privateKey: ReturnType<typeof pair>['privateKey']) => sign('sha256', body, privateKey).toString('base64');
const document = (...entries: { id: string; key: string }[]) =>
  JSON.stringify({ public_keys: entries.map(({ id, key }) => ({ key_identifier: id, key, is_current: true })) });

describe('isSignedBy (ECDSA P-256, SHA-256, DER in base64, over the raw body)', () => {
  const { publicKey, privateKey } = pair();
  const body = Buffer.from('[{"token":"x","type":"t","url":"u","source":"content"}]');

  it('accepts the signature of the body by the key', () => {
    expect(isSignedBy(body, signed(body, privateKey), publicKey)).toBe(true);
  });

  it('refuses a body changed by one byte, another key, and malformed signatures, without throwing', () => {
    const signature = signed(body, privateKey);
    const changed = Buffer.from(body);
    changed[changed.length - 3] ^= 1;
    expect(isSignedBy(changed, signature, publicKey)).toBe(false);
    expect(isSignedBy(body, signature, pair().publicKey)).toBe(false);
    for (const bad of ['', 'not base64!', 'AAAA', 'A'.repeat(500), signature.slice(0, -4)]) expect(isSignedBy(body, bad, publicKey)).toBe(false);
  });
});

describe('ScannerPublicKeys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'psk-scan-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads GitHub's document, skipping entries that are no P-256 public key", () => {
    const { publicKey } = pair();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keys = parsePublicKeys(document({ id: 'good', key: pem(publicKey) }, { id: 'rsa', key: rsa }, { id: 'junk', key: 'junk' }));
    expect([...keys.keys()]).toEqual(['good']);
    expect(() => parsePublicKeys('{}')).toThrow(ScannerKeysUnavailable);
    expect(() => parsePublicKeys('nope')).toThrow(ScannerKeysUnavailable);
  });

  it('loads again for an unknown identifier, at most every 5 minutes', async () => {
    const file = join(dir, 'keys.json');
    const first = pair();
    const second = pair();
    writeFileSync(file, document({ id: 'k1', key: pem(first.publicKey) }));
    let now = 1_000_000;
    const keys = new ScannerPublicKeys(file, () => now);
    expect(await keys.find('k1')).not.toBeNull();
    writeFileSync(file, document({ id: 'k1', key: pem(first.publicKey) }, { id: 'k2', key: pem(second.publicKey) }));
    // Within the wait an unknown identifier is refused without reading the file again: a minute later too. Each
    // instance fetching once a minute made 60 requests an hour, all GitHub allows an unauthenticated address, and one
    // made-up identifier a minute (well inside the failed-auth budget) was enough to keep it doing so.
    expect(await keys.find('k2')).toBeNull();
    now += 60_000;
    expect(await keys.find('k2')).toBeNull();
    now += RELOAD_AFTER_MS - 60_000;
    expect(await keys.find('k2')).not.toBeNull();
  });

  it('times the wait on the monotonic clock: a wall clock stepped back an hour does not stretch it to an hour', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const file = join(dir, 'keys-stepped.json');
      const first = pair();
      const second = pair();
      writeFileSync(file, document({ id: 'k1', key: pem(first.publicKey) }));
      const keys = new ScannerPublicKeys(file);
      expect(await keys.find('k1')).not.toBeNull();
      writeFileSync(file, document({ id: 'k1', key: pem(first.publicKey) }, { id: 'k2', key: pem(second.publicKey) }));
      jest.setSystemTime(Date.now() - 3_600_000); // NTP steps the wall clock back an hour; the monotonic clock goes on
      jest.advanceTimersByTime(RELOAD_AFTER_MS);
      expect(await keys.find('k2')).not.toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('reports an unreadable location as unavailable', async () => {
    await expect(new ScannerPublicKeys(join(dir, 'missing.json')).find('k1')).rejects.toThrow(ScannerKeysUnavailable);
  });
});

describe('ScannerPublicKeys, when the document cannot be read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'psk-scan-keys-down-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads it again no sooner than the same wait after a failed first load, whatever identifiers unsigned requests name', async () => {
    const file = join(dir, 'keys.json');
    let now = 1_000_000;
    const keys = new ScannerPublicKeys(file, () => now);
    await expect(keys.find('k1')).rejects.toThrow(ScannerKeysUnavailable);
    // The document is there now, but within the minute no request makes the service read it again (a fetch of the URL).
    writeFileSync(file, document({ id: 'k1', key: pem(pair().publicKey) }));
    for (const id of ['k1', 'x1', 'x2']) await expect(keys.find(id)).rejects.toThrow(ScannerKeysUnavailable);
    now += RELOAD_AFTER_MS;
    expect(await keys.find('k1')).not.toBeNull();
  });
});
