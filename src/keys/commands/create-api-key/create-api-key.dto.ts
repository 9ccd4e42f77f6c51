import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { MAX_KEY_NAME_LENGTH } from '../../domain/api-key-decider.js';

export class CreateApiKeyRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_KEY_NAME_LENGTH, example: 'Production API Key' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_KEY_NAME_LENGTH)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string | null;
}
