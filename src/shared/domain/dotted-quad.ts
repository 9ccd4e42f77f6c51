/**
 * An IPv4 address in its canonical dotted-quad text (`203.0.113.7`: four decimal octets, 0-255, no leading
 * zeros, nothing else) as an unsigned 32-bit number, or -1 for any other text. What node:net's isIP accepts as
 * IPv4, read in one pass without allocating: the hot paths that meet a client address on every request or use
 * (a key's allowed_ips, the anomaly detector) try it first and fall back to a full parser for anything else.
 */
export function dottedQuadValue(text: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return -1;
      octet = octet * 10 + (code - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}
