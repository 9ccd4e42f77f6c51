import { networkOf } from '../../shared/domain/client-address.js';

/**
 * How much of the client a use or a failed authentication records (RECORD_CLIENT_ADDRESS, RECORD_USER_AGENT):
 * `full` the address, `network` only its network (IPv4 /24, IPv6 /48) as the network's first address, `none` nothing.
 * Only what is recorded changes: allowed_ips and the failed-auth guard still see the real address.
 */
export type AddressRecording = 'full' | 'network' | 'none';

export interface ClientRecording {
  address: AddressRecording;
  userAgent: boolean;
}

/**
 * The network's first address (`203.0.113.0`, `2001:db8:1::`): still an address, so the anomaly rules read it as
 * they read any (new_network finds the same network; many_addresses and failed_auth_burst count networks). Text that is
 * no IP address is not recorded: it could hold anything.
 */
export function recordedAddress(ip: string | null, recording: AddressRecording): string | null {
  if (ip === null || recording === 'full') return ip;
  if (recording === 'none') return null;
  const network = networkOf(ip);
  return network === null ? null : network.slice(0, network.lastIndexOf('/'));
}

/** The details with no more of the client than `recording` keeps; the same object when it keeps everything. */
export function minimisedClient<T extends { ip: string | null; userAgent: string | null }>(details: T, recording: ClientRecording): T {
  if (recording.address === 'full' && recording.userAgent) return details;
  return { ...details, ip: recordedAddress(details.ip, recording.address), userAgent: recording.userAgent ? details.userAgent : null };
}
