import { type IpNetwork, parseIpNetwork } from '../domain/allowed-ips.js';
import { dottedQuadValue } from '../../shared/domain/dotted-quad.js';

const MAPPED_V4 = 0xffffn << 32n;
const IPV6_ZONE = /%[0-9a-zA-Z\-.:]+$/;

interface Ipv4Rule {
  base: number;
  /** 32 - prefix: the rule ignores that many low bits. */
  hostBits: number;
}

interface Ipv6Rule {
  base: bigint;
  hostBits: bigint;
}

/**
 * The addresses a key may be used from (its allowed_ips, already normalised), checked on every use of the key.
 * It matches as node:net's BlockList did before it (the spec holds BlockList as its oracle): an IPv4 client, also
 * written as IPv4-mapped IPv6 (`::ffff:a.b.c.d`), matches the IPv4 rules and any IPv6 rule holding its mapped
 * address; an IPv6 zone (`%eth0`) is ignored. A BlockList check cost ~3.4 µs and a SocketAddress for the GC; the
 * common case here, a dotted quad against IPv4 rules, is a few integer operations.
 */
export class AddressMatcher {
  private readonly ipv4: Ipv4Rule[] = [];
  private readonly ipv6: Ipv6Rule[] = [];

  constructor(allowedIps: readonly string[]) {
    for (const entry of allowedIps) {
      const network = parseIpNetwork(entry);
      if (network === null) throw new Error(`Not an address or CIDR block: ${entry}`);
      if (network.version === 4) this.ipv4.push({ base: Number(network.base), hostBits: 32 - network.prefix });
      else this.ipv6.push({ base: network.base, hostBits: BigInt(128 - network.prefix) });
    }
  }

  /** Whether the client address is allowed; text that is no single IP address never is. */
  allows(clientIp: string | null): boolean {
    if (clientIp === null) return false;
    const quad = dottedQuadValue(clientIp);
    if (quad >= 0) return this.allowsIpv4(quad);
    const address = clientAddress(clientIp);
    if (address === null) return false;
    return address.version === 4 ? this.allowsIpv4(Number(address.base)) : this.allowsIpv6(address.base);
  }

  private allowsIpv4(value: number): boolean {
    for (const { base, hostBits } of this.ipv4) {
      // >>> 32 would shift by 0: a /0 rule (hostBits 32) matches every address.
      if (hostBits === 32 || ((value ^ base) >>> hostBits) === 0) return true;
    }
    return this.ipv6.length > 0 && this.allowsIpv6(MAPPED_V4 | BigInt(value));
  }

  private allowsIpv6(value: bigint): boolean {
    return this.ipv6.some(({ base, hostBits }) => value >> hostBits === base >> hostBits);
  }
}

/** A single address (no `/prefix`), IPv6 with its zone dropped; IPv4-mapped IPv6 reads as IPv4. */
function clientAddress(text: string): IpNetwork | null {
  if (text.includes('/')) return null;
  const address = text.includes(':') ? text.replace(IPV6_ZONE, '') : text;
  return parseIpNetwork(address);
}
