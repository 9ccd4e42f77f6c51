import { BlockList, isIP } from 'node:net';

/** The addresses a key may be used from, as one node:net BlockList (its allowed_ips are already normalised). */
export class AddressMatcher {
  private readonly list = new BlockList();

  constructor(allowedIps: readonly string[]) {
    for (const entry of allowedIps) {
      const [address, prefix] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(prefix), type);
    }
  }

  /** Whether the client address is allowed; an IPv4 client of a dual-stack socket (`::ffff:a.b.c.d`) is read as IPv4. */
  allows(clientIp: string | null): boolean {
    if (clientIp === null) return false;
    const address = clientIp.startsWith('::ffff:') && isIP(clientIp.slice(7)) === 4 ? clientIp.slice(7) : clientIp;
    const version = isIP(address);
    if (version === 0) return false;
    return this.list.check(address, version === 6 ? 'ipv6' : 'ipv4');
  }
}
