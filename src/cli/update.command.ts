import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { UpdateApiKeyCommand } from '../keys/commands/update-api-key/update-api-key.command.js';
import type { KeyRateLimit } from '../keys/domain/api-key-events.js';
import { KeysCommandsModule } from '../keys/keys-cli.module.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { openCliContext } from './cli-context.js';
import { operatorChangeRequest } from './key-account.js';
import { changedKey, printKey } from './print-key.js';

export interface UpdateOptions {
  account?: string;
  name?: string;
  /** --no-name. */
  noName?: boolean;
  rateLimit?: KeyRateLimit;
  permissions?: string[];
  allowedIps?: string[];
  expiresAt?: Date;
  /** commander's --no-expiry: false when given. */
  expiry?: boolean;
  ifMatch?: string;
  json?: boolean;
  table?: boolean;
}

/** Changes a key through the same command handler as PATCH /v1/api-keys/{id}; options not given do not change. */
export async function update(keyId: string, options: UpdateOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: false }, [CqrsModule.forRoot(), KeysCommandsModule]);
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const request = await operatorChangeRequest(store, keyId, options);
    const changes = {
      name: options.noName ? null : options.name,
      rateLimit: options.rateLimit,
      permissions: options.permissions,
      allowedIps: options.allowedIps,
      expiresAt: options.expiry === false ? null : options.expiresAt?.toISOString(),
    };
    const changed = await app.get(CommandBus).execute(new UpdateApiKeyCommand(request, changes));
    printKey(await changedKey(store, changed.view), changed.view.revision, options, changed.changed ? `Updated key ${keyId} (revision ${changed.revision}).` : `Nothing to change on key ${keyId}.`);
  } finally {
    await app.close();
  }
}
