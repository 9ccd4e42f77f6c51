import type { OpenAPIObject } from '@nestjs/swagger';

export const REPORT_LEAKED_KEYS_PATH = '/v1/secret-scanning/reports';
/** The headers GitHub's secret scanning signs its reports with. */
export const KEY_IDENTIFIER_HEADER = 'github-public-key-identifier';
export const KEY_SIGNATURE_HEADER = 'github-public-key-signature';

type PathItem = OpenAPIObject['paths'][string];

const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: { 'application/json': { schema: schema('ErrorResponse') } } });

/** The route is served outside Nest's router: this entry describes it. */
export function documentReportLeakedKeys(document: OpenAPIObject): OpenAPIObject {
  const item: PathItem = {
    post: {
      tags: ['Secret scanning'],
      summary: 'Report keys found in public (secret scanners)',
      description:
        "GitHub's secret scanning partner program posts the strings it matched as ParseSphere keys. Signed with ECDSA P-256 over the raw body " +
        '(the two Github-Public-Key-* headers), checked against SECRET_SCANNING_PUBLIC_KEYS; no API key. Each real key is reported on its ' +
        'history, acted on by SECRET_SCANNING_ACTION (revoke by default) and alerted to its account (rule key_leaked); a key reported ' +
        'again changes nothing.',
      operationId: 'reportLeakedKeys',
      security: [],
      parameters: [
        { name: 'Github-Public-Key-Identifier', in: 'header', required: true, description: 'The identifier of the key that signed the body.', schema: { type: 'string' } },
        { name: 'Github-Public-Key-Signature', in: 'header', required: true, description: 'Base64 of the DER ECDSA signature (SHA-256) of the body.', schema: { type: 'string' } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'array', items: schema('SecretScanningReport') } } } },
      responses: {
        '200': { description: 'A verdict per report, in its order.', content: { 'application/json': { schema: { type: 'array', items: schema('SecretScanningVerdict') } } } },
        '400': error('The signed body is not a JSON array of reports, or a query parameter is given.'),
        '401': error('A signature header is missing, names no known key, or does not sign the body.'),
        '404': error('SECRET_SCANNING_PUBLIC_KEYS is not configured.'),
        '413': error('Request body over 64 KiB.'),
        '415': error('Request body is not JSON (Content-Type: application/json) or is sent with a Content-Encoding.'),
        '429': error('Too many reports from this address (see Retry-After).'),
        '500': error('Internal error.'),
        '503': error("The scanner's public keys cannot be read now, or the service is starting: retry later."),
      },
    },
  };
  document.paths[REPORT_LEAKED_KEYS_PATH] = item;
  return document;
}
