import { hash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  API_KEY_LENGTH,
  DISPLAY_PREFIX_LENGTH,
  KEY_ALPHABET as ALPHABET,
  KEY_CHECKSUM_LENGTH as CHECKSUM_LENGTH,
  KEY_RANDOM_LENGTH as RANDOM_LENGTH,
  KEY_SCHEME_PREFIX,
} from '../../shared/domain/api-key-format.js';

/** The format (src/shared/domain/api-key-format.ts): typos and invented keys fail the checksum before any lookup. */
export { API_KEY_LENGTH, DISPLAY_PREFIX_LENGTH, KEY_SCHEME_PREFIX };

const WELL_FORMED = new RegExp(`^${KEY_SCHEME_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);
// The largest multiple of 62 below 256: bytes at or above it are discarded to keep the draw uniform.
const UNBIASED_BYTE_LIMIT = 248;

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_BYTE_LIMIT) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function checksum(body: string): string {
  let value = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function generateApiKey(): string {
  const body = KEY_SCHEME_PREFIX + randomBase62(RANDOM_LENGTH);
  return body + checksum(body);
}

/** Format and checksum only: true says nothing about whether the key exists. */
export function isWellFormedApiKey(candidate: string): boolean {
  if (candidate.length !== API_KEY_LENGTH || !WELL_FORMED.test(candidate)) return false;
  const body = candidate.slice(0, -CHECKSUM_LENGTH);
  return checksum(body) === candidate.slice(-CHECKSUM_LENGTH);
}

export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}
