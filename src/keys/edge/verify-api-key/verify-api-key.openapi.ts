import { getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { jsonContent } from '../../../shared/http/edge-route.js';
import { SERVICE_CREDENTIAL_SECURITY } from '../../../shared/http/security-schemes.js';
import { VERIFY_RESPONSE_MODELS } from './verify-api-key.dto.js';

export const VERIFY_API_KEY_PATH = '/v1/keys/verify';

type PathItem = OpenAPIObject['paths'][string];

const error = (description: string) => ({ description, content: jsonContent('ErrorResponse') });

/**
 * The verify route is served outside Nest's router, so no controller describes it: this entry does,
 * over the DTO classes that configureApp registers as extra models.
 */
export function documentVerifyApiKey(document: OpenAPIObject): OpenAPIObject {
  const item: PathItem = {
    post: {
      tags: ['Verification (gateways)'],
      summary: 'Verify a key on behalf of a ParseSphere gateway',
      description: 'Needs the service credential (VERIFY_TOKEN). Records the use with the given context.',
      operationId: 'verifyApiKey',
      security: [{ [SERVICE_CREDENTIAL_SECURITY]: [] }],
      requestBody: { required: true, content: jsonContent('VerifyApiKeyRequest') },
      responses: {
        '200': {
          description: 'The verdict, one of four shapes: a valid key (valid: true), a refusal by its code alone, INSUFFICIENT_PERMISSIONS, RATE_LIMITED.',
          content: { 'application/json': { schema: { oneOf: VERIFY_RESPONSE_MODELS.map((model) => ({ $ref: getSchemaPath(model) })) } } },
        },
        '400': error('The body is not JSON, not a JSON object, or a field is invalid, or a query parameter is given (the route declares none): the message names it.'),
        '401': error('Missing or wrong service credential.'),
        '404': error('VERIFY_TOKEN is not configured.'),
        '413': error('Request body over 16 KiB.'),
        '415': error('Request body is not UTF-8 JSON (Content-Type: application/json).'),
        '429': error('Too many failed credentials from this address (see Retry-After).'),
        '500': error('Internal error.'),
        '503': error(
          'The service is starting and waits for its stores (Retry-After: 5): it has no key table to give a verdict from yet. ' +
            'Or the key has an event this version cannot read (a newer version of the service changed it, during a rolling upgrade): retry on an upgraded instance.',
        ),
      },
    },
  };
  document.paths[VERIFY_API_KEY_PATH] = item;
  return document;
}
