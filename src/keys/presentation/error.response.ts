import { ApiProperty } from '@nestjs/swagger';

class ErrorDetail {
  @ApiProperty({ example: 'invalid_request_error' })
  type!: string;

  @ApiProperty({ example: 'name must be shorter than or equal to 100 characters' })
  message!: string;
}

export class ErrorResponse {
  @ApiProperty({ type: ErrorDetail })
  error!: ErrorDetail;
}
