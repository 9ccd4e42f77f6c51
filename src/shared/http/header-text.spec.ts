import { headerText } from './header-text.js';

/** A text as node reads it from a header: its UTF-8 bytes, one Latin-1 character each. */
const asNodeReadsIt = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('headerText', () => {
  it('reads the bytes of a header as the UTF-8 they spell', () => {
    expect(headerText(asNodeReadsIt('sk_12345\u200b678'))).toBe('sk_12345\u200b678');
    expect(headerText(asNodeReadsIt('outil/3 (é) 🔑'))).toBe('outil/3 (é) 🔑');
  });

  it('keeps ASCII, bytes that are not UTF-8, and no header at all as they are', () => {
    expect(headerText('curl/8.0')).toBe('curl/8.0');
    expect(headerText('caf\u00e9')).toBe('caf\u00e9');
    expect(headerText(undefined)).toBeNull();
  });
});
