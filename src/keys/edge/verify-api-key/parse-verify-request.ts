import { isIP } from 'node:net';
import { InvalidRequest } from '../../../shared/application/errors.js';
import { MAX_PERMISSIONS, PERMISSION_PATTERN } from '../../domain/permissions.js';
import { BODY_REFUSALS } from '../../../shared/http/read-json-body.js';
import { unknownField } from '../../../shared/http/unknown-field.js';
import { CONTEXT_FIELD_LENGTHS, MAX_PRESENTED_KEY_LENGTH, type VerifyApiKeyRequest } from './verify-api-key.dto.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

const isString = (value: unknown, max: number): value is string =>
  typeof value === 'string' && (value.length <= max || codePoints(value) <= max);

/** An IPv4 or IPv6 address as the OpenAPI formats ipv4 and ipv6 have them: no IPv6 zone (`%eth0`). */
const isIpAddress = (value: string) => isIP(value) !== 0 && !value.includes('%');

const PERMISSION = new RegExp(PERMISSION_PATTERN);

const isPermissionList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length <= MAX_PERMISSIONS && value.every((item) => typeof item === 'string' && PERMISSION.test(item));

/**
 * The verify body, checked by hand: this route is the gateways' hot path, and the same rules as the
 * DTO's class-validator decorators cost a fraction of the time without class-transformer. Every
 * invalid field is reported once, by its path, with the rule it breaks, as the validation pipe does.
 */
export function parseVerifyRequest(body: unknown): VerifyApiKeyRequest {
  if (!isObject(body)) throw new InvalidRequest(BODY_REFUSALS.notAnObject);
  const problems: string[] = [];
  // Unknown fields are named after every declared field's problem, as the validation pipe orders them on every other route.
  const unknown: string[] = [];
  const { key, context, required_permissions: required, ...others } = body;
  if (!isString(key, MAX_PRESENTED_KEY_LENGTH)) problems.push(`key must be a string of at most ${MAX_PRESENTED_KEY_LENGTH} characters`);
  if (context !== undefined && !isObject(context)) problems.push('context must be an object');
  if (isObject(context)) {
    for (const [name, value] of Object.entries(context)) {
      const max = Object.hasOwn(CONTEXT_FIELD_LENGTHS, name) ? CONTEXT_FIELD_LENGTHS[name] : undefined;
      if (max === undefined) unknown.push(unknownField(name, 'context'));
      else if (!isString(value, max)) problems.push(`context.${name} must be a string of at most ${max} characters`);
      else if (name === 'ip' && !isIpAddress(value)) problems.push('context.ip must be an IPv4 or IPv6 address');
    }
  }
  if (required !== undefined && !isPermissionList(required)) {
    problems.push(`required_permissions must be an array of at most ${MAX_PERMISSIONS} permissions ("*" or "<resource>:<action>", such as "parses:write")`);
  }
  problems.push(...unknown, ...Object.keys(others).map((name) => unknownField(name)));
  if (problems.length > 0) throw new InvalidRequest(problems.join('; '));
  return body as unknown as VerifyApiKeyRequest;
}
