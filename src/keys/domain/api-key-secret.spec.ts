import { API_KEY_LENGTH, displayPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key-secret.js';

describe('API key secrets', () => {
  it('generates sk_ keys of fixed length from base62 that pass their own checksum', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^sk_[0-9A-Za-z]{38}$/);
    expect(key).toHaveLength(API_KEY_LENGTH);
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('carries at least 160 bits of randomness: 32 base62 characters', () => {
    expect(32 * Math.log2(62)).toBeGreaterThanOrEqual(160);
    const keys = new Set(Array.from({ length: 2000 }, generateApiKey));
    expect(keys.size).toBe(2000);
  });

  it('draws characters uniformly enough that every base62 symbol appears', () => {
    const body = Array.from({ length: 200 }, () => generateApiKey().slice(3, 35)).join('');
    const counts = new Map<string, number>();
    for (const char of body) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 6400 draws over 62 symbols: about 103 each; a biased draw would leave some far below.
    expect(Math.min(...counts.values())).toBeGreaterThan(50);
  });

  it('rejects every single-character typo through the checksum', () => {
    const key = generateApiKey();
    for (let i = 3; i < key.length; i++) {
      const replacement = key[i] === 'a' ? 'b' : 'a';
      const typo = key.slice(0, i) + replacement + key.slice(i + 1);
      expect(isWellFormedApiKey(typo)).toBe(false);
    }
  });

  it('rejects other shapes', () => {
    const key = generateApiKey();
    for (const candidate of ['', 'sk_', key.slice(0, -1), `${key}x`, key.replace('sk_', 'pk_'), `${key.slice(0, -1)}-`]) {
      expect(isWellFormedApiKey(candidate)).toBe(false);
    }
  });

  it('hashes with SHA-256 hex and shows a 12-character prefix', () => {
    expect(hashApiKey('sk_test')).toBe('12b2820cf1639904311da5771de1e5bb65c77073fdc7c555df395942df42896b');
    expect(hashApiKey('sk_test')).not.toBe(hashApiKey('sk_tesu'));
    const key = generateApiKey();
    expect(displayPrefix(key)).toBe(key.slice(0, 12));
  });
});
