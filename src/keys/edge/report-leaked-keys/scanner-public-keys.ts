import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * How long a set of keys is trusted before an unknown identifier may load it again: GitHub rotates its keys rarely and
 * retries a refused report. Anyone can name an unknown identifier, so this is what bounds the fetches: 12 an hour per
 * instance, where GitHub allows 60 unauthenticated requests an hour per address (once a minute used it all up).
 */
export const RELOAD_AFTER_MS = 5 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_KEYS_DOCUMENT_BYTES = 256 * 1024;

/** Why the keys could not be loaded: the reports cannot be checked, so they are refused with 503 (scanners retry). */
export class ScannerKeysUnavailable extends Error {}

/**
 * The public keys a scanner signs its reports with, by identifier, from SECRET_SCANNING_PUBLIC_KEYS: an absolute path
 * or an https URL (http on loopback: secret-scanning-keys-location.ts) of a document shaped as GitHub's `GET /meta/public_keys/secret_scanning`
 * (`{"public_keys": [{"key_identifier", "key" (PEM), "is_current"}]}`). Loaded at the first report, and again when a
 * report names an identifier the set lacks (a rotation), at most every 5 minutes so unsigned traffic cannot make the
 * service fetch on every request.
 */
export class ScannerPublicKeys {
  private keys: Map<string, KeyObject> | null = null;
  private loadedAtMs = -Infinity;
  private loading: Promise<void> | null = null;
  /** Why the last load failed while no keys were ever read: answered again until the wait is over. */
  private failure: ScannerKeysUnavailable | null = null;

  constructor(
    private readonly location: string,
    // Monotonic: by Date.now(), a clock stepped back an hour (NTP) kept a rotated key, or a failed first load, from
    // being read again for that hour, and every report signed with the new key was refused meanwhile.
    private readonly now: () => number = () => performance.now(),
  ) {}

  async find(identifier: string): Promise<KeyObject | null> {
    // Also before any keys were read: a failed first load was read again by every request, signed or not (a fetch each).
    if (this.keys?.has(identifier) !== true && this.now() - this.loadedAtMs >= RELOAD_AFTER_MS) await this.load();
    if (this.keys === null) throw this.failure ?? new ScannerKeysUnavailable("The scanner's public keys have not been read yet.");
    return this.keys.get(identifier) ?? null;
  }

  private load(): Promise<void> {
    this.loading ??= this.read()
      .then(
        (keys) => {
          this.keys = keys;
          this.failure = null;
        },
        (error: unknown) => {
          if (error instanceof ScannerKeysUnavailable) this.failure = error;
          throw error;
        },
      )
      .finally(() => {
        // A failed load is tried again only after the same wait: a down key server is not hammered by each report.
        this.loadedAtMs = this.now();
        this.loading = null;
      });
    return this.loading;
  }

  private async read(): Promise<Map<string, KeyObject>> {
    let text: string;
    try {
      text = /^https?:\/\//i.test(this.location) ? await fetchText(this.location) : await readFile(this.location, 'utf8');
    } catch (error) {
      throw new ScannerKeysUnavailable(`The scanner's public keys could not be read (SECRET_SCANNING_PUBLIC_KEYS): ${(error as Error).message}`);
    }
    return parsePublicKeys(text);
  }
}

/**
 * No redirect is followed (`redirect: 'error'`): the location was checked (https, or http on loopback only), a
 * redirect's target would not be, and GitHub's URL answers without one. The body is read up to the bound and no
 * further: a key server (or whoever answers for it) sending gigabytes costs 256 KiB of memory, not the whole body.
 */
async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    // undici says only "fetch failed"; the cause says why ("unexpected redirect", "connect ECONNREFUSED …").
    const cause = (error as { cause?: { message?: unknown } }).cause?.message;
    throw new Error(typeof cause === 'string' ? `${(error as Error).message}: ${cause}` : (error as Error).message);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  return readBounded(response, MAX_KEYS_DOCUMENT_BYTES);
}

/** The body as UTF-8, refused (and the connection dropped) as soon as it is past maxBytes, whatever Content-Length says. */
async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = () => new Error(`the document is larger than ${maxBytes} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** The document's keys by identifier; an entry that is no P-256 public key in PEM is left out, not fatal. */
export function parsePublicKeys(text: string): Map<string, KeyObject> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new ScannerKeysUnavailable("The scanner's public keys (SECRET_SCANNING_PUBLIC_KEYS) are not JSON.");
  }
  const entries = (document as { public_keys?: unknown })?.public_keys;
  if (!Array.isArray(entries)) throw new ScannerKeysUnavailable("The scanner's public keys (SECRET_SCANNING_PUBLIC_KEYS) hold no public_keys array.");
  const keys = new Map<string, KeyObject>();
  for (const entry of entries as { key_identifier?: unknown; key?: unknown }[]) {
    if (typeof entry?.key_identifier !== 'string' || typeof entry.key !== 'string') continue;
    try {
      const key = createPublicKey(entry.key);
      if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') keys.set(entry.key_identifier, key);
    } catch {
      // Not a key: skipped, as a key of another kind is.
    }
  }
  return keys;
}
