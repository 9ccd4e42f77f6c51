import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyAuthGuard } from './authentication/api-key-auth.guard.js';
import { ApiKeyVerifier } from './authentication/api-key-verifier.js';
import { AuthFailureLimiter } from './authentication/auth-failure-limiter.js';
import { CreateApiKeyController } from './commands/create-api-key/create-api-key.controller.js';
import { CreateApiKeyHandler } from './commands/create-api-key/create-api-key.handler.js';
import { RevokeApiKeyController } from './commands/revoke-api-key/revoke-api-key.controller.js';
import { RevokeApiKeyHandler } from './commands/revoke-api-key/revoke-api-key.handler.js';
import { ServiceCredential } from './edge/verify-api-key/service-credential.js';
import { VerifyApiKeyHttpHandler } from './edge/verify-api-key/verify-api-key.http-handler.js';
import { GetApiKeyController } from './queries/get-api-key/get-api-key.controller.js';
import { GetApiKeyHistoryController } from './queries/get-api-key-history/get-api-key-history.controller.js';
import { GetApiKeyHistoryHandler } from './queries/get-api-key-history/get-api-key-history.handler.js';
import { GetApiKeyHandler } from './queries/get-api-key/get-api-key.handler.js';
import { ListApiKeysController } from './queries/list-api-keys/list-api-keys.controller.js';
import { ListApiKeysHandler } from './queries/list-api-keys/list-api-keys.handler.js';

@Module({
  controllers: [
    CreateApiKeyController,
    ListApiKeysController,
    GetApiKeyController,
    GetApiKeyHistoryController,
    RevokeApiKeyController,
  ],
  providers: [
    CreateApiKeyHandler,
    RevokeApiKeyHandler,
    ListApiKeysHandler,
    GetApiKeyHandler,
    GetApiKeyHistoryHandler,
    ApiKeyVerifier,
    AuthFailureLimiter,
    ServiceCredential,
    VerifyApiKeyHttpHandler,
    { provide: APP_GUARD, useClass: ApiKeyAuthGuard },
  ],
})
export class KeysModule {}

/** What the operator CLI needs: the create command on the event store, without HTTP or projections. */
@Module({ providers: [CreateApiKeyHandler] })
export class KeysCommandsModule {}
