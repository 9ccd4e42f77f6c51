import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import { IntegerBetween } from '../../../shared/http/validation-rules.js';
import { ROLL_BOUNDS } from '../../domain/api-key-decider.js';

const { graceSeconds, closeWhenIdleSeconds } = ROLL_BOUNDS;

export class RollApiKeyRequest {
  @ApiProperty({
    type: 'integer',
    minimum: graceSeconds.min,
    maximum: graceSeconds.max,
    example: 86_400,
    description: 'How long the old key keeps working (never past its own expiry), then it expires; 0: at once.',
  })
  @IntegerBetween('grace_seconds', graceSeconds.min, graceSeconds.max)
  grace_seconds!: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: closeWhenIdleSeconds.min,
    maximum: closeWhenIdleSeconds.max,
    example: 600,
    description: 'Retire the old key as soon as it has gone unused this long after the roll (or at the grace end, whichever is first).',
  })
  @ValidateIf((_request, value) => value !== undefined)
  @IntegerBetween('close_when_idle_seconds', closeWhenIdleSeconds.min, closeWhenIdleSeconds.max)
  close_when_idle_seconds?: number;
}
