import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';

const DECIMAL_INTEGER = /^[+-]?\d{1,16}$/;

/**
 * An integer query parameter within [min, max], with one message for every way it can be wrong
 * ("limit must be an integer between 1 and 100"). Only decimal digits count as an integer: "1e1", "0x10",
 * " 5" and "5.0" are refused rather than read as numbers.
 */
export function IntegerQueryParameter(name: string, min: number, max: number): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value)),
    IntegerBetween(name, min, max),
  );
}

/** The one message for an integer out of [min, max] or not an integer at all. */
export function integerRangeMessage(name: string, min: number, max: number): string {
  return `${name} must be an integer between ${min} and ${max}`;
}

/** A query parameter's value read as IntegerQueryParameter reads it: decimal digits within [min, max], or null. */
export function queryInteger(value: unknown, min: number, max: number): number | null {
  if (typeof value !== 'string' || !DECIMAL_INTEGER.test(value)) return null;
  const number = Number(value);
  return number >= min && number <= max ? number : null;
}

/** A JSON integer within [min, max], with one message for every way it can be wrong. */
export function IntegerBetween(name: string, min: number, max: number): PropertyDecorator {
  const message = integerRangeMessage(name, min, max);
  return applyDecorators(IsInt({ message }), Min(min, { message }), Max(max, { message }));
}

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const UUID = new RegExp(UUID_PATTERN);

/** Ids are UUIDs compared without regard to case: the canonical form is lowercase. */
export function canonicalUuid(value: unknown): string | null {
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : null;
}

/** A UUID query parameter, in any case, kept in lowercase. */
export function UuidQueryParameter(message: string): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => canonicalUuid(value) ?? value),
    Matches(UUID, { message }),
  );
}
