import type { OpenAPIObject } from '@nestjs/swagger';

type Schema = Record<string, unknown>;

/**
 * Every request body of this API refuses properties it does not declare (the validation pipe's whitelist,
 * the verify route's parser): the OpenAPI document says so with `additionalProperties: false` on every object
 * schema a request body reaches, through $ref, allOf/oneOf/anyOf, properties and items.
 */
export function closeRequestBodySchemas(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const closed = new Set<Schema>();
  const close = (schema: unknown): void => {
    if (typeof schema !== 'object' || schema === null || closed.has(schema as Schema)) return;
    const node = schema as Schema;
    closed.add(node);
    const ref = node.$ref;
    if (typeof ref === 'string') return close(schemas[ref.slice(ref.lastIndexOf('/') + 1)]);
    if (node.type === 'object' && node.properties !== undefined) node.additionalProperties = false;
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const) if (Array.isArray(node[key])) (node[key] as unknown[]).forEach(close);
    if (typeof node.properties === 'object' && node.properties !== null) Object.values(node.properties).forEach(close);
    close(node.items);
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const body = (operation as { requestBody?: { content?: Record<string, { schema?: unknown }> } })?.requestBody;
      for (const media of Object.values(body?.content ?? {})) close(media.schema);
    }
  }
  return document;
}
