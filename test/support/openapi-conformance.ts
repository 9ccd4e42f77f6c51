/**
 * Checks real requests and answers against the served OpenAPI 3.0 document, as strictly as a generated client reads
 * it: the status is declared, the body valid, every object closed (a field answered but not declared is a finding, and
 * so is a field inside an object the document gives no shape: openapi-typescript types that `Record<string, never>`,
 * whose fields a strict TypeScript client cannot read), every header answered declared, every required one answered.
 *
 * No JSON Schema validator is in node_modules (and helpers add no package): this one knows exactly the keywords the
 * document uses, and reports any other it meets rather than pass it unchecked.
 */
type Schema = { [keyword: string]: unknown };
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
type Operation = {
  operationId: string;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { headers?: Record<string, { required?: boolean; schema?: Schema }>; content?: Record<string, { schema: Schema }> }>;
};

const CHECKED = new Set([
  'type', 'nullable', 'enum', 'required', 'properties', 'additionalProperties', 'items', 'minimum', 'maximum', 'minLength', 'maxLength',
  'pattern', 'format', 'maxProperties', 'minItems', 'maxItems', 'allOf', 'anyOf', 'oneOf', 'not', '$ref',
]);
const ANNOTATIONS = new Set(['description', 'example', 'default', 'title', 'deprecated']);

const FORMATS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  ipv4: /^(\d{1,3}\.){3}\d{1,3}$/,
  ipv6: /^[0-9a-f:.]*:[0-9a-f:.]*$/i,
};

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  let resolved = schema;
  while (typeof resolved.$ref === 'string') {
    const target = doc.components.schemas[resolved.$ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`${resolved.$ref} is in no component`);
    resolved = target;
  }
  return resolved;
}

/** allOf's branches as one schema, so that one branch's closed object does not refuse the other's fields. */
function merged(doc: OpenApiDocument, schema: Schema): Schema {
  const { allOf, ...rest } = schema;
  const into: Schema = { ...rest };
  for (const branch of allOf as Schema[]) {
    const part = resolve(doc, branch);
    for (const [keyword, value] of Object.entries(part.allOf ? merged(doc, part) : part)) {
      if (keyword === 'properties') into.properties = { ...(into.properties as object), ...(value as object) };
      else if (keyword === 'required') into.required = [...((into.required as string[]) ?? []), ...(value as string[])];
      else if (!ANNOTATIONS.has(keyword)) into[keyword] = value;
    }
  }
  return into;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** What is wrong with `value` under `schema` (none: []). */
export function schemaProblems(doc: OpenApiDocument, given: Schema, value: unknown, at = '$'): string[] {
  const schema = resolve(doc, given);
  const problems: string[] = [];
  for (const keyword of Object.keys(schema)) if (!CHECKED.has(keyword) && !ANNOTATIONS.has(keyword)) problems.push(`${at}: keyword ${keyword} is not checked here`);
  if (schema.not) {
    const { not, ...rest } = schema;
    if (schemaProblems(doc, { type: kindOf(value), ...(not as Schema) }, value, at).length === 0) problems.push(`${at}: matches what it may not (${JSON.stringify(not)})`);
    return [...problems, ...schemaProblems(doc, rest, value, at)];
  }
  if (schema.allOf) return [...problems, ...schemaProblems(doc, merged(doc, schema), value, at)];
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) {
    const results = branches.map((branch) => schemaProblems(doc, branch, value, at));
    const matching = results.filter((result) => result.length === 0).length;
    if (matching === 0) problems.push(`${at}: matches no branch (${results.map((result) => result.join('; ')).join(' | ')})`);
    if (schema.oneOf && matching > 1) problems.push(`${at}: matches ${matching} branches of a oneOf`);
    return problems;
  }
  if (value === null) return schema.nullable === true ? problems : [...problems, `${at}: null, not nullable`];
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  const kind = kindOf(value);
  if (schema.type === undefined) return [...problems, `${at}: no type declared`];
  if (schema.type !== kind && !(schema.type === 'number' && kind === 'integer')) return [...problems, `${at}: ${kind}, declared ${String(schema.type)}`];
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) problems.push(`${at}: longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${at}: ${JSON.stringify(value)} misses ${schema.pattern}`);
    const format = FORMATS[schema.format as string];
    if (format && !format.test(value)) problems.push(`${at}: ${JSON.stringify(value)} is no ${String(schema.format)}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${at}: ${value} under ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${at}: ${value} over ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (!schema.items) problems.push(`${at}: an array of no declared items`);
    else value.forEach((item, index) => problems.push(...schemaProblems(doc, schema.items as Schema, item, `${at}[${index}]`)));
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) problems.push(`${at}: more than ${schema.maxItems} items`);
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) problems.push(`${at}: fewer than ${schema.minItems} items`);
  }
  if (kind === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in object)) problems.push(`${at}: ${name} is required, not there`);
    if (typeof schema.maxProperties === 'number' && Object.keys(object).length > schema.maxProperties) problems.push(`${at}: more than ${schema.maxProperties} fields`);
    const additional = schema.additionalProperties;
    for (const [name, field] of Object.entries(object)) {
      if (properties[name]) problems.push(...schemaProblems(doc, properties[name], field, `${at}.${name}`));
      else if (typeof additional === 'object' && additional !== null) problems.push(...schemaProblems(doc, additional as Schema, field, `${at}.${name}`));
      else if (additional === true) continue;
      else if (!schema.properties) problems.push(`${at}.${name}: in an object of no declared shape (a generated TypeScript client types it Record<string, never>)`);
      else problems.push(`${at}.${name}: not declared`);
    }
  }
  return problems;
}

/** The operation of the document serving a method and a concrete path (its query string left out). */
export function operationAt(doc: OpenApiDocument, method: string, url: string): { template: string; operation: Operation } | undefined {
  const path = url.split('?')[0]!;
  for (const [template, item] of Object.entries(doc.paths)) {
    const operation = item[method.toLowerCase()];
    if (operation && new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path)) return { template, operation };
  }
  return undefined;
}

/** Fields every HTTP answer carries whatever the route, which no client reads as the API's. */
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'x-content-type-options']);

export interface Exchange {
  method: string;
  url: string;
  /** The JSON body sent, if any: checked against the document when the service took it (a status under 400). */
  sent?: unknown;
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON answer; undefined when there was none. */
  body: unknown;
}

/** What the document gets wrong about one exchange, each line naming the operation and status. */
export function exchangeProblems(doc: OpenApiDocument, exchange: Exchange): string[] {
  const label = `${exchange.method} ${exchange.url.split('?')[0]} ${exchange.status}`;
  const found = operationAt(doc, exchange.method, exchange.url);
  if (!found) return [`${label}: no operation`];
  const problems: string[] = [];
  // A request the service took must be one the document allows: a generated client could not send it otherwise.
  if (exchange.sent !== undefined && exchange.status < 400) {
    const schema = found.operation.requestBody?.content['application/json']?.schema;
    if (!schema) problems.push('request: a JSON body, none declared');
    else problems.push(...schemaProblems(doc, schema, exchange.sent, 'request'))
  }
  const response = found.operation.responses[String(exchange.status)];
  if (!response) return [`${label}: status not declared`];
  const declared = new Map(Object.entries(response.headers ?? {}).map(([name, header]) => [name.toLowerCase(), header]));
  for (const [name, value] of Object.entries(exchange.headers)) {
    if (TRANSPORT_HEADERS.has(name)) continue;
    const header = declared.get(name);
    if (!header) problems.push(`header ${name} answered, not declared`);
    else if (header.schema) {
      const integer = resolve(doc, header.schema).type === 'integer' && /^-?[0-9]+$/.test(value);
      problems.push(...schemaProblems(doc, header.schema, integer ? Number(value) : value, `header ${name}`));
    }
  }
  for (const [name, header] of declared) if (header.required && exchange.headers[name] === undefined) problems.push(`header ${name} is required, not answered`);
  const schema = response.content?.['application/json']?.schema;
  if (exchange.body === undefined) {
    if (response.content) problems.push('no body, one declared');
  } else if (!schema) problems.push('a JSON body, none declared');
  else problems.push(...schemaProblems(doc, schema, exchange.body));
  return problems.map((problem) => `${label}: ${problem}`);
}
