import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { CreateApiKeyCommand } from '../keys/commands/create-api-key/create-api-key.command.js';
import { presentCreatedApiKey } from '../keys/commands/create-api-key/created-api-key.presenter.js';
import type { KeyRateLimit } from '../keys/domain/api-key-events.js';
import { KeysCommandsModule } from '../keys/keys-cli.module.js';
import type { Environment } from '../shared/config/environment.js';
import { openCliContext } from './cli-context.js';
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
    const created = presentCreatedApiKey(
      await app.get(CommandBus).execute(new CreateApiKeyCommand(options.account, options.name ?? null, options.rateLimit ?? null, null, null, {
        permissions: options.permissions,
        allowedIps: options.allowedIps,
        expiresAt: options.expiresAt?.toISOString(),
        expiresInSeconds: options.expiresIn,
      })),
    );
    await printNewKey(created, created, options, 'The key is shown only this once: store it now.');
  } finally {
    await app.close();
  }
}
