import { ApiProperty } from '@nestjs/swagger';

class ErrorDetail {
  @ApiProperty({ example: 'invalid_request_error' })
  type!: string;

  @ApiProperty({ example: 'limit must be an integer between 1 and 100' })
  message!: string;
}

/** The one error body, {"error": {"type", "message"}}, as the OpenAPI document shows it (error-response.ts builds it). */
export class ErrorResponse {
  @ApiProperty({ type: ErrorDetail })
  error!: ErrorDetail;
}
