import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiKeyVerifier } from '../../authentication/api-key-verifier.js';
import { AuthFailureLimiter } from '../../authentication/auth-failure-limiter.js';
import { Public } from '../../authentication/public.decorator.js';
import { ErrorResponse } from '../../presentation/error.response.js';
import { parseVerifyRequest } from './parse-verify-request.js';
import { VerifyApiKeyRequest, VerifyApiKeyResponse } from './verify-api-key.dto.js';
import { VerifyTokenGuard } from './verify-token.guard.js';

@ApiTags('Verification (gateways)')
@Controller('v1/keys/verify')
@Public()
@UseGuards(VerifyTokenGuard)
export class VerifyApiKeyController {
  constructor(
    private readonly verifier: ApiKeyVerifier,
    private readonly failures: AuthFailureLimiter,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify a key on behalf of a ParseSphere gateway',
    description: 'Needs the service credential (VERIFY_TOKEN). Records the use with the given context.',
  })
  @ApiBearerAuth()
  @ApiOkResponse({ type: VerifyApiKeyResponse })
  @ApiResponse({ status: 400, type: ErrorResponse, description: 'Invalid request body.' })
  @ApiResponse({ status: 401, type: ErrorResponse, description: 'Missing or wrong service credential.' })
  @ApiResponse({ status: 404, type: ErrorResponse, description: 'VERIFY_TOKEN is not configured.' })
  @ApiResponse({ status: 429, type: ErrorResponse, description: 'Too many failed credentials from this address.' })
  @ApiBody({ type: VerifyApiKeyRequest })
  verify(@Body() raw: unknown, @Req() req: Request): VerifyApiKeyResponse {
    const body = parseVerifyRequest(raw);
    const client = body.context?.ip;
    // Guesses relayed by a gateway are limited per end client, so the endpoint is no cheap oracle.
    if (client && !this.failures.check(client).allowed) return { valid: false, code: 'RATE_LIMITED' };
    const verification = this.verifier.verify(body.key, {
      requestId: req.requestId,
      ip: client ?? null,
      userAgent: body.context?.user_agent ?? null,
      method: body.context?.method ?? null,
      path: body.context?.path ?? null,
    });
    if (!verification.valid && verification.code !== 'RATE_LIMITED') {
      if (client) this.failures.recordFailure(client);
      return { valid: false, code: verification.code };
    }
    if (!verification.valid) return { valid: false, code: 'RATE_LIMITED' };
    const { key, rate } = verification;
    return {
      valid: true,
      key_id: key.keyId,
      account_id: key.accountId,
      name: key.name,
      rate_limit: { limit: rate.limit, remaining: rate.remaining, reset: rate.resetSeconds },
    };
  }
}
