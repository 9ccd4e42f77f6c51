import { Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { Metrics } from '../shared/metrics/metrics.port.js';
import { NO_METRICS } from '../shared/metrics/no-metrics.js';
import { ProjectionProgress } from '../shared/projections/projection-progress.js';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';
import { UsageModule } from '../usage/usage.module.js';
import { KEY_COMMAND_HANDLERS } from './commands/key-command-handlers.js';
import { ACCOUNT_KEY_CAP, KeyTableKeyCap } from './commands/account-key-cap.js';
import { Environment } from '../shared/config/environment.js';
import { ApiKeyAuthGuard } from './authentication/api-key-auth.guard.js';
import { ApiKeyAuthenticator } from './authentication/api-key-authenticator.js';
import { ApiKeyVerifier } from './authentication/api-key-verifier.js';
import { AuthFailureLimiter } from './authentication/auth-failure-limiter.js';
import { AccountRequestLimiter } from './authentication/account-request-limiter.js';
import { IdleRetirement } from './authentication/idle-retirement.js';
import { AuthenticationMetrics } from './authentication/authentication-metrics.js';
import { KeyTable } from './authentication/key-table.js';
import { KeyTableCaughtUpOnMiss } from './authentication/key-table-caught-up-on-miss.js';
import { CreateApiKeyController } from './commands/create-api-key/create-api-key.controller.js';
import { RevokeApiKeyController } from './commands/revoke-api-key/revoke-api-key.controller.js';
import { DisableApiKeyController } from './commands/disable-api-key/disable-api-key.controller.js';
import { EnableApiKeyController } from './commands/enable-api-key/enable-api-key.controller.js';
import { RollApiKeyController } from './commands/roll-api-key/roll-api-key.controller.js';
import { UpdateApiKeyController } from './commands/update-api-key/update-api-key.controller.js';
import { KeyExpiryScheduler } from './commands/expire-api-keys/key-expiry-scheduler.js';
import { CLOCK, systemClock } from '../shared/runtime/clock.js';
import { ServiceCredential } from './edge/verify-api-key/service-credential.js';
import { VerifyApiKeyHttpHandler } from './edge/verify-api-key/verify-api-key.http-handler.js';
import { VerifyOutcomes } from './edge/verify-api-key/verify-outcomes.js';
import { ReportLeakedKeysHttpHandler } from './edge/report-leaked-keys/report-leaked-keys.http-handler.js';
import { SecretScanningMetrics } from './edge/report-leaked-keys/secret-scanning-metrics.js';
import { ReportKeyLeakHandler } from './commands/report-key-leak/report-key-leak.handler.js';
import { apiKeyStreamId } from './domain/api-key-events.js';
import type { KeysStorage } from './keys.storage.js';
import { API_KEY_QUERIES, API_KEY_READ_MODEL, type ApiKeyReadModel } from './projection/api-key-read-model.port.js';
import { GetApiKeyController } from './queries/get-api-key/get-api-key.controller.js';
import { GetOwnApiKeyController } from './queries/get-own-api-key/get-own-api-key.controller.js';
import { GetApiKeyHandler } from './queries/get-api-key/get-api-key.handler.js';
import { GetKeyUsageSummaryHandler } from './queries/get-api-key/get-key-usage-summary.handler.js';
import { GetApiKeyHistoryController } from './queries/get-api-key-history/get-api-key-history.controller.js';
import { GetApiKeyHistoryHandler } from './queries/get-api-key-history/get-api-key-history.handler.js';
import { KeyQueriesCaughtUpOnMiss } from './queries/key-queries-caught-up-on-miss.js';
import { ListAccountEventsController } from './queries/list-account-events/list-account-events.controller.js';
import { ListAccountEventsHandler } from './queries/list-account-events/list-account-events.handler.js';
import { AUDIT_LOG_READ_MODEL } from './projection/audit-log-read-model.port.js';
import { IdempotentRequestsInFlight } from './commands/idempotency/idempotent-requests-in-flight.js';
import { ListApiKeysHandler } from './queries/list-api-keys/list-api-keys.handler.js';
import { ListApiKeysHttpHandler } from './queries/list-api-keys/list-api-keys.http-handler.js';

/**
 * The keys feature: its routes, the guard that authenticates every other route, the verify edge route, and
 * its ports bound to the read-model storage. Its projections are declared in keys.projections.ts.
 */
@Module({
  imports: [UsageModule],
  controllers: [
    CreateApiKeyController,
    GetOwnApiKeyController,
    GetApiKeyController,
    GetApiKeyHistoryController,
    ListAccountEventsController,
    RevokeApiKeyController,
    UpdateApiKeyController,
    DisableApiKeyController,
    EnableApiKeyController,
    RollApiKeyController,
  ],
  providers: [
    IdempotentRequestsInFlight,
    { provide: API_KEY_READ_MODEL, useFactory: (storage: KeysStorage) => storage.apiKeyReadModel(), inject: [READ_MODEL_STORAGE] },
    { provide: AUDIT_LOG_READ_MODEL, useFactory: (storage: KeysStorage) => storage.auditLogReadModel(), inject: [READ_MODEL_STORAGE] },
    // Also the projection `key-table` of keys.projections.ts: the runner keeps this very instance current.
    {
      provide: KeyTable,
      useFactory: (readModel: ApiKeyReadModel, store: EventStore, metrics: Metrics = NO_METRICS) => {
        const logger = new Logger('KeyTable');
        const table = new KeyTable(readModel, { readKeyStream: (keyId) => store.readStream(apiKeyStreamId(keyId)), warn: (message) => logger.warn(message) });
        metrics.gauge({ name: 'parsesphere_active_keys', help: 'Keys that authenticate (not revoked, expired or disabled, nor changed by a newer version of the service), as the key table of this instance knows them.', read: () => table.activeKeys });
        metrics.gauge({
          name: 'parsesphere_keys_changed_by_newer_version',
          help: 'Keys with an event this version cannot read (written by a newer version of the service): refused with 503 here unless revoked or expired.',
          read: () => table.keysChangedByNewerVersion,
        });
        return table;
      },
      inject: [API_KEY_READ_MODEL, EVENT_STORE, { token: Metrics, optional: true }],
    },
    // The key queries answer from the table: what this instance enforces is what it shows, with no store call
    // unless an id is missing (another instance may have just created it: KeyQueriesCaughtUpOnMiss).
    {
      provide: API_KEY_QUERIES,
      useFactory: (table: KeyTable, store: EventStore, progress: ProjectionProgress) => new KeyQueriesCaughtUpOnMiss(table, store, progress),
      inject: [KeyTable, EVENT_STORE, ProjectionProgress],
    },
    { provide: CLOCK, useValue: systemClock },
    // MAX_KEYS_PER_ACCOUNT, counted from the table: what this instance knows of the account's keys (design-notes.md).
    { provide: ACCOUNT_KEY_CAP, useFactory: (table: KeyTable, config: Environment) => new KeyTableKeyCap(table, config.MAX_KEYS_PER_ACCOUNT), inject: [KeyTable, Environment] },
    ...KEY_COMMAND_HANDLERS,
    KeyExpiryScheduler,
    ListApiKeysHandler,
    ListApiKeysHttpHandler,
    GetApiKeyHandler,
    GetKeyUsageSummaryHandler,
    GetApiKeyHistoryHandler,
    ListAccountEventsHandler,
    ApiKeyVerifier,
    KeyTableCaughtUpOnMiss,
    ApiKeyAuthenticator,
    AccountRequestLimiter,
    AuthFailureLimiter,
    IdleRetirement,
    AuthenticationMetrics,
    ServiceCredential,
    VerifyApiKeyHttpHandler,
    VerifyOutcomes,
    ReportKeyLeakHandler,
    ReportLeakedKeysHttpHandler,
    SecretScanningMetrics,
    { provide: APP_GUARD, useClass: ApiKeyAuthGuard },
  ],
})
export class KeysModule {}
