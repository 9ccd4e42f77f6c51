import type { SecuritySchemeObject } from '@nestjs/swagger';

/** The name of the API keys' scheme in the OpenAPI document (Nest's ApiBearerAuth() default). */
export const API_KEY_SECURITY = 'bearer';

/** The name of the service credential's scheme in the OpenAPI document. */
export const SERVICE_CREDENTIAL_SECURITY = 'service_credential';

/** How the OpenAPI document describes an API key: not a JWT, an opaque `sk_` token. */
export const API_KEY_SECURITY_SCHEME: SecuritySchemeObject = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'sk_ API key',
  description:
    'An API key: `sk_` followed by 38 characters of [0-9A-Za-z] (32 random, then a 6-character checksum), as created by ' +
    'POST /v1/api-keys or the operator CLI. Opaque to clients; not a JWT.',
};

/** How the OpenAPI document describes the gateways' credential on the verify route. */
export const SERVICE_CREDENTIAL_SECURITY_SCHEME: SecuritySchemeObject = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'opaque service credential',
  description: "The service credential of ParseSphere's gateways: the server's VERIFY_TOKEN (at least 32 characters).",
};

/** The name of METRICS_TOKEN's scheme in the OpenAPI document: optional on readiness (its errors' texts). */
export const METRICS_TOKEN_SECURITY = 'metrics_token';

/**
 * How the OpenAPI document describes METRICS_TOKEN where a route takes it. A scheme, not an Authorization header
 * parameter: OpenAPI 3.0 says a header parameter named Authorization SHALL be ignored, and clients generated from the
 * document, and Swagger UI, do ignore it.
 */
export const METRICS_TOKEN_SECURITY_SCHEME: SecuritySchemeObject = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'opaque token',
  description: "The server's METRICS_TOKEN: GET /metrics needs it when it is set; GET /health/ready takes it optionally, to show the texts of its checks' errors.",
};
