import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, ValidateBy, ValidateIf } from 'class-validator';
import { parseRfc3339 } from '../../shared/domain/rfc3339.js';
import { MAX_ALLOWED_IPS } from '../domain/allowed-ips.js';
import { MAX_PERMISSIONS, PERMISSION_PATTERN } from '../domain/permissions.js';

// The syntax of each entry is the domain's (permissions.ts, allowed-ips.ts): these check the shapes only, so
// the domain's message, which names the rule, is the one a caller reads.

/** An absent field is not checked; null is, unless the schema says the field is nullable (IsOptional lets null by). */
const UnlessAbsent = () => ValidateIf((_request, value) => value !== undefined);

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = `(${OCTET}\\.){3}${OCTET}`;
const GROUP = '[0-9a-fA-F]{1,4}';
// RFC 4291 §2.2's text forms; with a dotted quad only where at most six groups precede it, so none is too long.
const IPV6 = [
  `(${GROUP}:){7}${GROUP}`,
  `(${GROUP}:){1,7}:`,
  `(${GROUP}:){1,6}:${GROUP}`,
  `(${GROUP}:){1,5}(:${GROUP}){1,2}`,
  `(${GROUP}:){1,4}(:${GROUP}){1,3}`,
  `(${GROUP}:){1,3}(:${GROUP}){1,4}`,
  `(${GROUP}:){1,2}(:${GROUP}){1,5}`,
  `${GROUP}:(:${GROUP}){1,6}`,
  `:((:${GROUP}){1,7}|:)`,
  `(${GROUP}:){6}${IPV4}`,
  `(${GROUP}:){1,4}:${IPV4}`,
  `::(ffff(:0{1,4})?:)?${IPV4}`,
].join('|');
/** The CIDR blocks the domain reads (allowed-ips.ts), for the OpenAPI document: its spec holds the two to agreeing. */
export const IPV4_CIDR = `^${IPV4}/(3[0-2]|[12]?[0-9])$`;
export const IPV6_CIDR = `^(${IPV6})/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$`;

export function PermissionsField(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: [String],
      items: { type: 'string', pattern: PERMISSION_PATTERN },
      minItems: 1,
      maxItems: MAX_PERMISSIONS,
      example: ['keys:read', 'parses:*'],
      description: `${description} \`*\` (everything) or \`<resource>:<action>\` in lowercase (keys:read, keys:write, parses:read, parses:*). A key can only grant permissions it holds itself.`,
    }),
    UnlessAbsent(),
    IsArray({ message: 'permissions must be an array of strings' }),
  );
}

export function AllowedIpsField(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'array',
      items: {
        anyOf: [
          { type: 'string', format: 'ipv4' },
          { type: 'string', format: 'ipv6' },
          { type: 'string', pattern: IPV4_CIDR },
          { type: 'string', pattern: IPV6_CIDR },
        ],
      },
      maxItems: MAX_ALLOWED_IPS,
      example: ['203.0.113.0/24', '2001:db8::1'],
      description:
        `${description} IPv4 or IPv6 addresses and CIDR blocks (IPv6 blocks too, such as 2001:db8::/32), at most ${MAX_ALLOWED_IPS}; ` +
        'kept normalised (host bits cleared, IPv6 in RFC 5952 form). Empty: anywhere. A restricted key can only grant addresses within its own.',
    }),
    UnlessAbsent(),
    IsArray({ message: 'allowed_ips must be an array of strings' }),
    ArrayMaxSize(MAX_ALLOWED_IPS, { message: `allowed_ips must list at most ${MAX_ALLOWED_IPS} addresses or CIDR blocks.` }),
  );
}

export const isRfc3339 = (value: unknown) => typeof value === 'string' && parseRfc3339(value) !== null;

export function ExpiresAtField(description: string, nullable: boolean): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      format: 'date-time',
      nullable,
      example: '2027-01-01T00:00:00Z',
      description: `${description} Must be in the future, and within MAX_KEY_LIFETIME_SECONDS of the key's creation when the service sets one.`,
    }),
    nullable ? IsOptional() : UnlessAbsent(),
    IsString({ message: 'expires_at must be an RFC 3339 date-time, such as 2027-01-01T00:00:00Z' }),
    ValidateBy(
      { name: 'isRfc3339DateTime', validator: { validate: isRfc3339 } },
      { message: 'expires_at must be an RFC 3339 date-time, such as 2027-01-01T00:00:00Z' },
    ),
  );
}
