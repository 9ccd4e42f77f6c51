import { dottedQuadValue } from '../../shared/domain/dotted-quad.js';
import { AllowedIpsInvalid } from './api-key-errors.js';

export const MAX_ALLOWED_IPS = 100;

/** An address or a CIDR block as numbers: the network's first address and its prefix length. */
export interface IpNetwork {
  version: 4 | 6;
  base: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseIpv4(text: string): bigint | null {
  const value = dottedQuadValue(text);
  return value < 0 ? null : BigInt(value);
}

function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let body = text.toLowerCase();
  const tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === null) return null;
    tail.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    body = body.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out = half.split(':').map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? parseInt(group, 16) : NaN));
    return out.some(Number.isNaN) ? null : out;
  };
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (head === null || rest === null) return null;
  const explicit = head.length + rest.length + tail.length;
  let all: number[];
  if (halves.length === 1) {
    if (explicit !== 8) return null;
    all = [...head, ...tail];
  } else {
    if (explicit > 7) return null;
    all = [...head, ...new Array<number>(8 - explicit).fill(0), ...rest, ...tail];
  }
  return all.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

const MAPPED_V4 = 0xffffn << 32n;

/** An address or CIDR block, or null when the text is neither; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) reads as IPv4. */
export function parseIpNetwork(text: string): IpNetwork | null {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? null : text.slice(slash + 1);
  let version: 4 | 6 = 4;
  let value = parseIpv4(address);
  if (value === null) {
    version = 6;
    value = parseIpv6(address);
  }
  if (value === null) return null;
  let prefix: number = BITS[version];
  if (prefixText !== null) {
    if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > BITS[version]) return null;
    prefix = Number(prefixText);
  }
  if (version === 6 && value >> 32n === 0xffffn && prefix >= 96) {
    version = 4;
    value -= MAPPED_V4;
    prefix -= 96;
  }
  const hostBits = BigInt(BITS[version] - prefix);
  return { version, base: (value >> hostBits) << hostBits, prefix };
}

function formatAddress(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups (the first of equals) becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The canonical text: the network address (host bits cleared), `/prefix` unless it is a single address. */
export function formatIpNetwork(network: IpNetwork): string {
  const address = formatAddress(network.version, network.base);
  return network.prefix === BITS[network.version] ? address : `${address}/${network.prefix}`;
}

/** The allowed_ips as stored: each validated and put in canonical form, without duplicates, in the given order. */
export function normaliseAllowedIps(given: readonly unknown[]): string[] {
  if (given.length > MAX_ALLOWED_IPS) throw new AllowedIpsInvalid(`allowed_ips must list at most ${MAX_ALLOWED_IPS} addresses or CIDR blocks.`);
  const out: string[] = [];
  for (const entry of given) {
    const network = typeof entry === 'string' && entry.length <= 64 ? parseIpNetwork(entry) : null;
    if (network === null) {
      throw new AllowedIpsInvalid('allowed_ips must hold IPv4 or IPv6 addresses or CIDR blocks, such as "203.0.113.7" or "2001:db8::/32".');
    }
    const text = formatIpNetwork(network);
    if (!out.includes(text)) out.push(text);
  }
  return out;
}

/** Whether `inner` lies wholly within `outer`. */
export function networkWithin(inner: IpNetwork, outer: IpNetwork): boolean {
  if (inner.version !== outer.version || inner.prefix < outer.prefix) return false;
  const hostBits = BigInt(BITS[outer.version] - outer.prefix);
  return inner.base >> hostBits === outer.base >> hostBits;
}

/**
 * Whether a key restricted to `narrower` can be used from no address a key restricted to `wider` could not:
 * an unrestricted list ([]) is the widest of all.
 */
export function restrictionWithin(narrower: readonly string[], wider: readonly string[]): boolean {
  if (wider.length === 0) return true;
  if (narrower.length === 0) return false;
  const outers = wider.map((text) => parseIpNetwork(text)!);
  return narrower.every((text) => {
    const inner = parseIpNetwork(text)!;
    return outers.some((outer) => networkWithin(inner, outer));
  });
}
