import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { CreateApiKeyCommand } from '../keys/commands/create-api-key/create-api-key.command.js';
import { presentCreatedApiKey } from '../keys/commands/create-api-key/created-api-key.presenter.js';
import type { KeyRateLimit } from '../keys/domain/api-key-events.js';
import { KeysCommandsModule } from '../keys/keys-cli.module.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { accountHadKeys } from './account-had-keys.js';
import { openCliContext } from './cli-context.js';
import { note } from './output.js';
import { printNewKey } from './print-new-key.js';

export interface CreateKeyOptions {
  account: string;
  name?: string;
  rateLimit?: KeyRateLimit;
  permissions?: string[];
  allowedIps?: string[];
  expiresAt?: Date;
  expiresIn?: number;
  json?: boolean;
  table?: boolean;
}

/** Appends KeyCreated through the same command handler as POST /v1/api-keys and prints the key as it returns it. */
export async function createKey(options: CreateKeyOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: false }, [CqrsModule.forRoot(), KeysCommandsModule]);
  try {
    // An account is only the keys that name it: a mistyped --account would start a new one without a word.
    const hadKeys = await accountHadKeys(app.get<EventStore>(EVENT_STORE), environment, options.account);
    const created = presentCreatedApiKey(
      await app.get(CommandBus).execute(new CreateApiKeyCommand(options.account, options.name ?? null, options.rateLimit ?? null, null, null, {
        permissions: options.permissions,
        allowedIps: options.allowedIps,
        expiresAt: options.expiresAt?.toISOString(),
        expiresInSeconds: options.expiresIn,
      })),
    );
    await printNewKey(created, created, options, 'The key is shown only this once: store it now.');
    if (hadKeys === false) note(`warning: account ${options.account} had no keys: this is its first (if you meant an existing account, check --account)`);
  } finally {
    await app.close();
  }
}
