import { getSchemaPath } from '@nestjs/swagger';

/**
 * A property that is an object of a model or null, as OpenAPI 3.0 clients read it: `nullable` beside an `allOf` of
 * the model's $ref, with no `type`. Given `type: Model, nullable: true`, Nest adds `type: 'object'` beside the allOf,
 * which openapi-python-client reads as never null: its client raised TypeError on every key not yet rolled.
 * The model must be registered (@ApiExtraModels) where no other property references it.
 */
export function nullableRef(model: new () => unknown): { nullable: true; allOf: { $ref: string }[] } {
  return { nullable: true, allOf: [{ $ref: getSchemaPath(model) }] };
}
