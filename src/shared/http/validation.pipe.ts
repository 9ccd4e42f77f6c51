import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidRequest } from '../application/errors.js';
import { BODY_REFUSALS } from './read-json-body.js';
import { prototypeNamedFields } from './prototype-named-fields.js';
import { isUnknownFieldMessage, unknownField } from './unknown-field.js';

/** class-validator's constraint for a property the class does not declare (whitelist). */
const UNKNOWN_PROPERTY = 'whitelistValidation';

/**
 * One message per invalid field, naming it by its full path: the first of its constraints that failed.
 * Each DTO gives all the constraints of a field the same message, stating the whole rule, so which one
 * failed first does not matter; an unknown field is named as such.
 */
function describeErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const constraints = error.constraints ?? {};
    if (UNKNOWN_PROPERTY in constraints) return [unknownField(error.property, parent || undefined)];
    const [first] = Object.values(constraints);
    // class-validator starts messages with the bare property name; show the full path instead.
    const own = first === undefined ? [] : [first.startsWith(`${error.property} `) ? `${field}${first.slice(error.property.length)}` : `${field}: ${first}`];
    return own.length > 0 ? own : describeErrors(error.children ?? [], field);
  });
}

const isJsonObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Strict validation: unknown properties are refused, every message names its field, and a body is a JSON
 * object. A request without a body is validated as `{}`: every body field of this API is optional.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      if (value === undefined) return super.transform({}, metadata);
      if (!isJsonObject(value)) throw new InvalidRequest(BODY_REFUSALS.notAnObject);
    }
    if (metadata.type !== 'body' && metadata.type !== 'query') return super.transform(value, metadata);
    const dropped = prototypeNamedFields(value).map((field) => unknownField(field));
    if (dropped.length === 0) return super.transform(value, metadata);
    // Refused as unknown, after whatever else validation finds (its unknown fields last, as these are).
    const others = await super.transform(value, metadata).then(
      () => [],
      (error: unknown) => {
        if (!(error instanceof InvalidRequest)) throw error;
        return [error.message];
      },
    );
    throw new InvalidRequest([...others, ...dropped].join('; '));
  }
}

export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      // The declared fields' problems first, then the unknown fields, as the verify route reports them.
      const messages = describeErrors(errors);
      const unknown = messages.filter(isUnknownFieldMessage);
      return new InvalidRequest([...messages.filter((message) => !unknown.includes(message)), ...unknown].join('; '));
    },
  });
}
