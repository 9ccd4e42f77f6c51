import { dottedQuadValue } from '../../shared/domain/dotted-quad.js';
import { formatIpv6, ipv6Groups } from '../../shared/domain/ipv6-text.js';
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

/** The four octets of a canonical dotted quad: inside IPv6 text as alone, no leading zeros. */
function octets(text: string): number[] | null {
  const value = dottedQuadValue(text);
  return value < 0 ? null : [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
}

function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const groups = ipv6Groups(text.toLowerCase(), octets);
  return groups === null ? null : groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
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
  return formatIpv6(Array.from({ length: 8 }, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn)));
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

/**
 * Whether `inner` lies wholly within `outer`. An IPv4 network lies within an IPv6 one that holds its IPv4-mapped
 * addresses (`::ffff:a.b.c.d`), as the key table matches an IPv4 client against IPv6 rules (AddressMatcher): a key
 * restricted to `::/0` is used from any IPv4 address, and may grant one.
 */
export function networkWithin(inner: IpNetwork, outer: IpNetwork): boolean {
  if (inner.version === 4 && outer.version === 6) return networkWithin({ version: 6, base: MAPPED_V4 | inner.base, prefix: inner.prefix + 96 }, outer);
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
