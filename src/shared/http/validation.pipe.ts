import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidRequest } from '../application/errors.js';

function describeErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) =>
      // class-validator starts messages with the bare property name; show the full path instead.
      text.startsWith(`${error.property} `) ? `${field}${text.slice(error.property.length)}` : `${field}: ${text}`,
    );
    return [...own, ...describeErrors(error.children ?? [], field)];
  });
}

/** Strict validation: unknown properties are refused, and every message names its field. */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new InvalidRequest(describeErrors(errors).join('; ')),
  });
}
