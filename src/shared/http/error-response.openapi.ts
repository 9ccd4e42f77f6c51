import { ApiProperty } from '@nestjs/swagger';
import { ERROR_TYPES } from './error-response.js';

class ErrorDetail {
  @ApiProperty({ enum: ERROR_TYPES, example: 'invalid_request_error', description: 'Set by the status: 400 and 405 invalid_request_error, 401 authentication_error, 403 permission_error, 404 not_found_error, 409 conflict_error, 412 precondition_failed_error, 413 payload_too_large_error, 415 unsupported_media_type_error, 429 rate_limit_error, 500 api_error, 503 service_unavailable_error.' })
  type!: string;

  @ApiProperty({ example: 'limit must be an integer between 1 and 100' })
  message!: string;
}

/** The one error body, {"error": {"type", "message"}}, as the OpenAPI document shows it (error-response.ts builds it). */
export class ErrorResponse {
  @ApiProperty({ type: ErrorDetail })
  error!: ErrorDetail;
}
