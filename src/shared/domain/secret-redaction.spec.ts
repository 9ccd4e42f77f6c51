import { generateApiKey } from '../../keys/domain/api-key-secret.js';
import { containsSecret, redactRequestTarget, redactSecrets } from './secret-redaction.js';

const marker = (key: string) => `${key.slice(0, 12)}…[redacted]`;

describe('redactSecrets', () => {
  const key = generateApiKey();
  const other = generateApiKey();

  it('replaces a well-formed key anywhere in the text by its display prefix and a marker', () => {
    expect(redactSecrets(key)).toBe(marker(key));
    expect(redactSecrets(`sdk/1.2 (${key}) node`)).toBe(`sdk/1.2 (${marker(key)}) node`);
    expect(redactSecrets(`Bearer${key}`)).toBe(`Bearer${marker(key)}`);
    expect(redactSecrets(`/v1/parses/${key}/x`)).toBe(`/v1/parses/${marker(key)}/x`);
  });

  it('replaces every key, also two keys back to back', () => {
    expect(redactSecrets(`${key},${other}`)).toBe(`${marker(key)},${marker(other)}`);
    // Glued together, the second key's secret part follows the first one's word: both go.
    const glued = redactSecrets(`${key}${other}`);
    expect(glued).toBe(marker(key));
    expect(glued).not.toContain(other.slice(12));
  });

  it('leaves nothing of a key that follows an sk_ run which is not a key (no match may stop inside it)', () => {
    const trap = `sk_${'a'.repeat(36)}${key}`;
    expect(redactSecrets(trap)).not.toContain(key.slice(12));
    expect(redactSecrets(`sk_ab${key}`)).toBe(`sk_ab${marker(key)}`);
  });

  it('also redacts key-shaped text that fails the checksum: a typo, a cut or an addition of a real key', () => {
    const typo = `${key.slice(0, 20)}${key[20] === 'a' ? 'b' : 'a'}${key.slice(21)}`;
    for (const lookalike of [typo, key.slice(0, -6), key.slice(0, 23), `${key}extra`, `${key}_more`]) {
      expect(redactSecrets(`x ${lookalike} y`)).toBe(`x ${marker(lookalike)} y`);
    }
  });

  it('leaves ordinary text alone, including short sk_ words', () => {
    for (const text of ['', 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/121.0', '/v1/task_definitions/risk_assessment',
      `sk_${'a'.repeat(19)}`, `SK_${'a'.repeat(19)}`, `pk_${key.slice(3)}`, `sk.${key.slice(3)}`]) {
      expect(redactSecrets(text)).toBe(text);
      expect(containsSecret(text)).toBe(false);
    }
    expect(containsSecret(`a ${key}`)).toBe(true);
  });

  it('redacts a key whose prefix is written in capitals or with a hyphen: its secret is the characters after it', () => {
    for (const prefix of ['SK_', 'Sk_', 'sK_', 'sk-', 'SK-']) {
      const text = `agent ${prefix}${key.slice(3)} end`;
      expect(redactSecrets(text)).toBe(`agent ${marker(prefix + key.slice(3))} end`);
      expect(containsSecret(text)).toBe(true);
    }
  });

  it('redacts a key spelled so that it still reads as one: percent-escapes, invisible characters, fullwidth forms', () => {
    const escaped = `%73k%5F${key.slice(3, 10)}%${key.charCodeAt(10).toString(16)}${key.slice(11)}`;
    expect(redactSecrets(`curl ${escaped} x%20y`)).toBe(`curl ${marker(key)} x%20y`);
    const invisible = `${key.slice(0, 2)}\u200b${key.slice(2, 15)}\u00ad${key.slice(15, 30)}\u2060\ufeff${key.slice(30)}`;
    expect(redactSecrets(`my ${invisible} key`)).toBe(`my ${marker(key)} key`);
    const fullwidth = [...key].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
    expect(redactSecrets(`名前 ${fullwidth}`)).toBe(`名前 ${marker(key)}`);
    for (const disguised of [escaped, invisible, fullwidth]) expect(containsSecret(disguised)).toBe(true);
  });

  it('reads a percent-escaped character outside ASCII as that character: an escaped invisible or fullwidth one hides no key', () => {
    const escapedInvisible = `${key.slice(0, 8)}%E2%80%8B${key.slice(8, 20)}%c2%ad${key.slice(20)}`;
    expect(redactSecrets(`/v1/x/${escapedInvisible}/y`)).toBe(`/v1/x/${marker(key)}/y`);
    const escapedFullwidth = `%EF%BD%93%EF%BD%8B%EF%BC%BF${key.slice(3)}`;
    expect(redactSecrets(`a ${escapedFullwidth}`)).toBe(`a ${marker(key)}`);
    for (const disguised of [escapedInvisible, escapedFullwidth]) expect(containsSecret(disguised)).toBe(true);
    // An escape that is no UTF-8 (an overlong form, a lone continuation byte) is read as written.
    for (const text of [`${key.slice(0, 8)}%C0%80${key.slice(8)}`, `${key.slice(0, 8)}%80${key.slice(8)}`]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('keeps text with escapes, accents or invisible characters as it is when it holds no key', () => {
    for (const text of ['100% sure', 'report%20final%2', 'Café Zürich – 東京', 'sk\u200b_short', `%73k_${'a'.repeat(19)}`, '%zz sk_', 'caf%C3%A9%E2%80%8B%F0%9F%94%91']) {
      expect(redactSecrets(text)).toBe(text);
      expect(containsSecret(text)).toBe(false);
    }
  });

  it('never makes text longer', () => {
    const shortest = `sk_${'a'.repeat(20)}`;
    expect(redactSecrets(shortest).length).toBeLessThanOrEqual(shortest.length);
  });
});

describe('redactRequestTarget', () => {
  const key = generateApiKey();

  it('keeps a plain path as it is', () => {
    expect(redactRequestTarget('/v1/parses')).toBe('/v1/parses');
    expect(redactRequestTarget('/v1/files/report%20final.pdf')).toBe('/v1/files/report%20final.pdf');
  });

  it('redacts every query value, keeping the names, and drops the fragment', () => {
    expect(redactRequestTarget(`/v1/parses?api_key=${key}&page=2#top`)).toBe('/v1/parses?api_key=[redacted]&page=[redacted]');
    expect(redactRequestTarget(`/v1/parses?${key}`)).toBe('/v1/parses?[redacted]');
    expect(redactRequestTarget('/v1/parses?a=1&&b')).toBe('/v1/parses?a=[redacted]&&[redacted]');
  });

  it('redacts a key in a path segment and in a query name', () => {
    expect(redactRequestTarget(`/v1/parses/${key}`)).toBe(`/v1/parses/${marker(key)}`);
    expect(redactRequestTarget(`/v1/parses?${key}=1`)).toBe(`/v1/parses?${marker(key)}=[redacted]`);
  });

  it('redacts a key spelled with percent-escapes', () => {
    const escaped = `%73k%5F${key.slice(3, 10)}%${key.charCodeAt(10).toString(16)}${key.slice(11)}`;
    const recorded = redactRequestTarget(`/v1/files%2F${escaped}/report%20final`);
    expect(recorded).toBe(`/v1/files%2F${marker(key)}/report%20final`);
    // A zero-width space escaped inside it, as a client URL-encoding a pasted key sends it.
    expect(redactRequestTarget(`/v1/api-keys/${key.slice(0, 8)}%E2%80%8B${key.slice(8)}`)).toBe(`/v1/api-keys/${marker(key)}`);
  });
});
