const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Any byte above 0x7F, as node hands header bytes over: one Latin-1 character each. */
const HIGH_BYTE = /[\u0080-\u00ff]/;

/**
 * A header value (a User-Agent) as the client wrote it: node reads a header's bytes as Latin-1, so UTF-8 text
 * arrives as mojibake (a zero-width space U+200B as `â\x80\x8b`, fullwidth `ｓ` as `ï½\x93`) and a key spelled with
 * one of them would not read as a key to redactSecrets, which drops invisible characters and folds fullwidth ones
 * only in text read as it was meant. Bytes that are not UTF-8 are kept as node read them.
 */
export function headerText(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!HIGH_BYTE.test(value)) return value;
  try {
    return UTF8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}
