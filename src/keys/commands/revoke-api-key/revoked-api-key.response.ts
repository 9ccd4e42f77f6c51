import { ApiProperty } from '@nestjs/swagger';
import { ApiKeyResponse } from '../../presentation/api-key.response.js';

export class RevocationReceiptResponse {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Position of the revocation in the event log (of the earlier revocation when the key was already revoked).', example: 1042 })
  position!: number;

  @ApiProperty({
    format: 'date-time',
    description:
      'When the instance that answered refused the key: its key table had applied the revocation. Every other instance applies it ' +
      'when it reads the log: at once on a Redis nudge (REDIS_URL), else within its poll interval or its EventStoreDB subscription.',
  })
  in_force_at!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    required: false,
    description:
      'With REDIS_URL: how many of the other live instances confirmed, within 50 ms, that they refuse the key (they may still ' +
      'apply it later; the log is what counts). Absent, as instances_live, when Redis could not be asked (down, or slower than 100 ms).',
  })
  instances_confirmed?: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    required: false,
    description: 'With REDIS_URL: the other instances alive by their heartbeat when this one asked; absent when Redis could not be asked.',
  })
  instances_live?: number;
}

/** The key as revoked, with the receipt of the revocation. */
export class RevokedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ type: RevocationReceiptResponse })
  revocation!: RevocationReceiptResponse;
}
