import { SecretDigest } from './secret-digest.js';

describe('SecretDigest', () => {
  const secret = 'Zr3-service-credential_0123456789abcdefghijk';
  const digest = new SecretDigest(secret);

  it('matches the secret it was made from', () => {
    expect(digest.matches(secret)).toBe(true);
  });

  it('refuses anything else, however close', () => {
    const lastChanged = `${secret.slice(0, -1)}${secret.endsWith('k') ? 'j' : 'k'}`;
    const firstChanged = `${secret.startsWith('Z') ? 'Y' : 'Z'}${secret.slice(1)}`;
    for (const presented of ['', lastChanged, firstChanged, secret.slice(0, -1), `${secret}x`, secret.toUpperCase(), ` ${secret}`]) {
      expect(digest.matches(presented)).toBe(false);
    }
  });

  it('compares whole digests: values whose digests share a long prefix are refused', () => {
    // Every one of these differs from the secret; with a comparison that looked only at the first characters of the
    // digests (or stopped early and got the answer wrong), some would pass.
    const others = Array.from({ length: 2000 }, (_, i) => `${secret}-${i}`);
    expect(others.filter((value) => digest.matches(value))).toEqual([]);
    expect(others.map((value) => new SecretDigest(value).matches(value)).every(Boolean)).toBe(true);
  });

  it('treats text beyond ASCII as the bytes it encodes', () => {
    const unicode = new SecretDigest('clé-ñ-🔑');
    expect(unicode.matches('clé-ñ-🔑')).toBe(true);
    expect(unicode.matches('cle-n-🔑')).toBe(false);
  });
});
