import { dottedQuadValue } from './dotted-quad.js';

/**
 * Client addresses as the anomaly detector and the failed-auth guard compare them. Express reports IPv4 clients of a
 * dual-stack socket as `::ffff:a.b.c.d`, so mapped addresses are read as IPv4, and IPv6 text is put in its RFC 5952
 * form: one address, however spelled, is one client.
 */
type ParsedIp = { version: 4; octets: number[] } | { version: 6; groups: number[] };

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets = parts.map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : NaN));
  return octets.every((octet) => octet <= 255) ? octets : null;
}

function parseIpv6(text: string): number[] | null {
  let body = text;
  const tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === null) return null;
    tail.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    body = body.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const readGroups = (half: string): number[] | null => {
    if (half === '') return [];
    const groups = half.split(':').map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? parseInt(group, 16) : NaN));
    return groups.some(Number.isNaN) ? null : groups;
  };
  const head = readGroups(halves[0]);
  const rest = halves.length === 2 ? readGroups(halves[1]) : [];
  if (head === null || rest === null) return null;
  const explicit = head.length + rest.length + tail.length;
  if (halves.length === 1) return explicit === 8 ? [...head, ...tail] : null;
  if (explicit > 7) return null;
  return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest, ...tail];
}

function parseIp(raw: string): ParsedIp | null {
  const text = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!text.includes(':')) {
    const octets = parseIpv4(text);
    return octets === null ? null : { version: 4, octets };
  }
  const groups = parseIpv6(text);
  if (groups === null) return null;
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) return { version: 4, octets: [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255] };
  return { version: 6, groups };
}

function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The address in one canonical text, or the raw text when it is no IP address. */
export function canonicalAddress(raw: string): string {
  // Nearly every use carries a canonical dotted quad already: checked in one pass, it is its own canonical form.
  if (dottedQuadValue(raw) >= 0) return raw;
  const ip = parseIp(raw);
  if (ip === null) return raw;
  return ip.version === 4 ? ip.octets.join('.') : formatIpv6(ip.groups);
}

/** The address's network: IPv4 /24 or IPv6 /48, e.g. `203.0.113.0/24`, `2001:db8:1::/48`; null when no IP. */
export function networkOf(raw: string): string | null {
  if (dottedQuadValue(raw) >= 0) return `${raw.slice(0, raw.lastIndexOf('.'))}.0/24`;
  const ip = parseIp(raw);
  if (ip === null) return null;
  if (ip.version === 4) return `${ip.octets.slice(0, 3).join('.')}.0/24`;
  return `${formatIpv6([...ip.groups.slice(0, 3), 0, 0, 0, 0, 0])}/48`;
}
