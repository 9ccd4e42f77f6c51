import type { OpenAPIObject } from '@nestjs/swagger';

export const VERIFY_API_KEY_PATH = '/v1/keys/verify';

type PathItem = OpenAPIObject['paths'][string];

const json = (schema: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } });
const error = (description: string) => ({ description, content: json('ErrorResponse') });

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
      security: [{ bearer: [] }],
      requestBody: { required: true, content: json('VerifyApiKeyRequest') },
      responses: {
        '200': { description: 'The verdict; a valid key also gets its rate-limit state.', content: json('VerifyApiKeyResponse') },
        '400': error('Invalid request body.'),
        '401': error('Missing or wrong service credential.'),
        '404': error('VERIFY_TOKEN is not configured.'),
        '429': error('Too many failed credentials from this address.'),
      },
    },
  };
  document.paths[VERIFY_API_KEY_PATH] = item;
  return document;
}
