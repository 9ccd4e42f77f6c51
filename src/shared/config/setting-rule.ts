import { ValidateBy } from 'class-validator';

/**
 * A setting checked by a function that says what is wrong with a value, or null: its sentence, not the value,
 * is the message ("REDIS_URL must name a host"), so it may be read from the constraint (describeBrokenRule).
 */
export function FollowsRule(name: string, problem: (value: string) => string | null): PropertyDecorator {
  return ValidateBy(
    { name, validator: { validate: (value) => typeof value === 'string' && problem(value) === null } },
    { message: ({ property, value }) => `${property} ${typeof value === 'string' ? problem(value) : 'must be text'}` },
  );
}
