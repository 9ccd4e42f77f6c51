import type { OutgoingMessage } from 'node:http';

/** The 201's Location header as the OpenAPI document declares it. */
export const CREATED_KEY_LOCATION_HEADER = {
  Location: {
    description: 'The new key (for a roll, the successor): /v1/api-keys/{id}.',
    required: true,
    schema: { type: 'string', example: '/v1/api-keys/550e8400-e29b-41d4-a716-446655440000' },
  },
};

/** Names the key a 201 created (RFC 9110 §15.3.2): a path on this service, which its GET answers. */
export function setCreatedKeyLocation(res: OutgoingMessage, keyId: string): void {
  res.setHeader('Location', `/v1/api-keys/${keyId}`);
}
