import { isIP } from 'node:net';
import proxyaddr from 'proxy-addr';

/** The value express's `trust proxy` takes: trust no proxy, the first n hops, or these addresses and ranges. */
export type TrustProxy = false | number | string[];

export const TRUST_PROXY_RULE =
  'TRUST_PROXY must be false, loopback, a hop count from 1 to 32, or a comma-separated list of IP addresses and CIDR ranges';

const MAX_HOPS = 32;
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Reads TRUST_PROXY, or null when it breaks TRUST_PROXY_RULE. `true` (every hop) is refused on purpose: any
 * client could then choose its own address with X-Forwarded-For, and escape the failed-authentication guard.
 */
export function parseTrustProxy(setting: string): TrustProxy | null {
  const value = setting.trim();
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= MAX_HOPS ? hops : null;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  if (!entries.every(isAddressOrRange)) return null;
  try {
    proxyaddr.compile(entries);
  } catch {
    return null;
  }
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
