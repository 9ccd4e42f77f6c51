import { dottedQuadValue } from './dotted-quad.js';
import { formatIpv6, ipv6Groups } from './ipv6-text.js';

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

function parseIp(raw: string): ParsedIp | null {
  const text = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!text.includes(':')) {
    const octets = parseIpv4(text);
    return octets === null ? null : { version: 4, octets };
  }
  const groups = ipv6Groups(text, parseIpv4);
  if (groups === null) return null;
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) return { version: 4, octets: [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255] };
  return { version: 6, groups };
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

/**
 * Who the failed-auth guard counts: an IPv4 address as itself, an IPv6 one as its /64 (`2001:db8:1:2::/64`), the
 * least a host is given (RFC 6177): a client picks any of its 2^64 addresses at will (privacy addresses, or on
 * purpose), so counted one by one it would never be limited. Text that is no IP address: itself.
 */
export function failureGuardSubject(raw: string): string {
  if (dottedQuadValue(raw) >= 0) return raw;
  const ip = parseIp(raw);
  if (ip === null) return raw;
  if (ip.version === 4) return ip.octets.join('.');
  return `${formatIpv6([...ip.groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}
