import type { ApiKeyDetailResponse, ApiKeyResponse } from '../keys/presentation/api-key.response.js';
import { cell } from './table.js';

/** How a key reads in the CLI's tables: the API's fields, never the key or its hash. */
export const KEY_COLUMNS = ['ID', 'NAME', 'PREFIX', 'STATUS', 'RATE LIMIT', 'REQUESTS', 'CREATED', 'LAST USED'] as const;

const rateLimit = (key: ApiKeyResponse) => `${key.rate_limit.requests}/${key.rate_limit.per_seconds}s`;

export function keyRow(key: ApiKeyResponse): string[] {
  return [key.id, cell(key.name), key.prefix, key.status, rateLimit(key), String(key.request_count), key.created_at, cell(key.last_used_at)];
}

export function keyRecord(key: ApiKeyResponse): [string, string][] {
  return [
    ['id', key.id],
    ['name', cell(key.name)],
    ['prefix', key.prefix],
    ['status', key.status],
    ['rate limit', `${key.rate_limit.requests} per ${key.rate_limit.per_seconds} s`],
    ['requests', String(key.request_count)],
    ['created at', key.created_at],
    ['last used at', cell(key.last_used_at)],
    ['revoked at', cell(key.revoked_at)],
    ['permissions', key.permissions.join(', ')],
    ['allowed ips', key.allowed_ips.length === 0 ? 'anywhere' : key.allowed_ips.join(', ')],
    ['expires at', cell(key.expires_at)],
    ...(key.predecessor_id ? [['rolled from', key.predecessor_id] as [string, string]] : []),
    ...(key.rotation
      ? [['rolled to', key.rotation.successor_id] as [string, string], ['grace ends at', key.rotation.grace_ends_at] as [string, string]]
      : []),
  ];
}

export function keyDetailRecord(key: ApiKeyDetailResponse): [string, string][] {
  const usage = key.usage;
  const hours = usage.requests_per_hour;
  const lastDay = hours.reduce((sum, hour) => sum + hour.count, 0);
  // The 24 hourly buckets start on the hour 23 hours before the current one: from 23 to 24 hours back, not the last 24.
  const since = hours.length > 0 ? ` since ${hours[0].hour}` : '';
  const rotation = key.rotation;
  return [
    ...keyRecord(key),
    ...(rotation
      ? ([
          ['uses since roll', String(rotation.uses_since_roll)],
          ['last use since roll', cell(rotation.last_used_at)],
          ['addresses since roll', sinceRollAddresses(rotation.addresses_since_roll, rotation.addresses_since_roll_count)],
        ] as [string, string][])
      : []),
    ['accepted', String(usage.accepted)],
    ['rate-limited', String(usage.rate_limited)],
    ['refused', String(usage.refused)],
    ['first used at', cell(usage.first_used_at)],
    ['last address', cell(usage.last_ip)],
    ['last user agent', cell(usage.last_user_agent)],
    ['recent requests', `${lastDay}${since}`],
  ];
}

/**
 * The addresses still using a rolled key, and how many more there are when the API cut the list at its 20 most
 * recent: until 2026-12-07 a key used from 25 addresses since its roll showed 20, as if they were all.
 */
function sinceRollAddresses(addresses: string[], count: number): string {
  if (addresses.length === 0) return '-';
  const more = count - addresses.length;
  return more > 0 ? `${addresses.join(', ')} and ${more} more (${count} in all; the uses in its history name them)` : addresses.join(', ');
}
