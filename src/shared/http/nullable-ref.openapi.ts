import { getSchemaPath } from '@nestjs/swagger';

/** OpenAPI 3.0's null: `nullable` adds null to the `type` beside it, and `enum` leaves nothing else. */
const NULL_ONLY = { type: 'object', nullable: true, enum: [null] };

/**
 * A property that is an object of a model or null, in a form every client generator reads so: anyOf the model's
 * $ref or null. Given `type: Model, nullable: true`, Nest writes `{type: 'object', nullable: true, allOf: [$ref]}`,
 * which openapi-python-client reads as never null (its client raised TypeError on every key not yet rolled), and
 * `nullable` beside an allOf without a `type` is void in OpenAPI 3.0.3 (Redocly's nullable-type-sibling refuses it).
 * The model must be registered (@ApiExtraModels) where no other property references it.
 */
export function nullableRef(model: new () => unknown): { anyOf: object[] } {
  return { anyOf: [{ $ref: getSchemaPath(model) }, NULL_ONLY] };
}
