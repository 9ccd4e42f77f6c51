import { Module } from '@nestjs/common';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';
import { KEY_USAGE_READ_MODEL, KEY_USAGE_SUMMARIES } from '../usage/projection/key-usage-read-model.port.js';
import type { UsageStorage } from '../usage/usage.storage.js';
import { CLOCK, systemClock } from '../shared/runtime/clock.js';
import { ACCOUNT_KEY_CAP, NO_ACCOUNT_KEY_CAP } from './commands/account-key-cap.js';
import { KEY_COMMAND_HANDLERS } from './commands/key-command-handlers.js';
import type { KeysStorage } from './keys.storage.js';
import { API_KEY_QUERIES, API_KEY_READ_MODEL } from './projection/api-key-read-model.port.js';
import { GetApiKeyHandler } from './queries/get-api-key/get-api-key.handler.js';
import { GetApiKeyHistoryHandler } from './queries/get-api-key-history/get-api-key-history.handler.js';
import { ListApiKeysHandler } from './queries/list-api-keys/list-api-keys.handler.js';
import { AUDIT_LOG_READ_MODEL } from './projection/audit-log-read-model.port.js';
import { ListAccountEventsHandler } from './queries/list-account-events/list-account-events.handler.js';

// The operator CLI's modules, apart from KeysModule: they import the handlers only, not the controllers,
// the guard or the OpenAPI decorators, so a command starts without loading what HTTP needs.

/**
 * What the operator CLI needs from the log alone, without HTTP, projections or read models (so it works while
 * those are down): every command on a key and the history query.
 */
@Module({
  providers: [
    { provide: CLOCK, useValue: systemClock },
    // The operator is bound by no key limit: it may have to give a full account a key to put it right.
    { provide: ACCOUNT_KEY_CAP, useValue: NO_ACCOUNT_KEY_CAP },
    ...KEY_COMMAND_HANDLERS,
    GetApiKeyHistoryHandler,
  ],
})
export class KeysCommandsModule {}

/** What the operator CLI's list, show and events add: the query handlers on the read models (the key views themselves, no key table). */
@Module({
  providers: [
    { provide: API_KEY_QUERIES, useFactory: (storage: KeysStorage) => storage.apiKeyReadModel(), inject: [READ_MODEL_STORAGE] },
    // list --all reads the views' own listing (allApiKeys), which the service's key table has no use for.
    { provide: API_KEY_READ_MODEL, useExisting: API_KEY_QUERIES },
    { provide: KEY_USAGE_READ_MODEL, useFactory: (storage: UsageStorage) => storage.keyUsageReadModel(), inject: [READ_MODEL_STORAGE] },
    { provide: KEY_USAGE_SUMMARIES, useExisting: KEY_USAGE_READ_MODEL },
    { provide: AUDIT_LOG_READ_MODEL, useFactory: (storage: KeysStorage) => storage.auditLogReadModel(), inject: [READ_MODEL_STORAGE] },
    ListApiKeysHandler,
    GetApiKeyHandler,
    ListAccountEventsHandler,
  ],
})
export class KeysQueriesModule {}
