import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { DisableApiKeyCommand } from '../keys/commands/disable-api-key/disable-api-key.command.js';
import { EnableApiKeyCommand } from '../keys/commands/enable-api-key/enable-api-key.command.js';
import { KeysCommandsModule } from '../keys/keys-cli.module.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { openCliContext } from './cli-context.js';
import { operatorChangeRequest } from './key-account.js';
import { changedKey, printKey } from './print-key.js';

export interface SetEnabledOptions {
  account?: string;
  ifMatch?: string;
  json?: boolean;
  table?: boolean;
}

/** Disables or enables a key through the same command handlers as POST /v1/api-keys/{id}/disable and /enable. */
export async function setEnabled(enabled: boolean, keyId: string, options: SetEnabledOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: false }, [CqrsModule.forRoot(), KeysCommandsModule]);
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const request = await operatorChangeRequest(store, keyId, options);
    const changed = await app.get(CommandBus).execute(enabled ? new EnableApiKeyCommand(request) : new DisableApiKeyCommand(request));
    printKey(await changedKey(store, changed.view), changed.view.revision, options, enabled ? `Enabled: key ${keyId} authenticates again.` : `Disabled: key ${keyId} is refused until enabled.`);
  } finally {
    await app.close();
  }
}

export const disable = (keyId: string, options: SetEnabledOptions, environment: Environment) => setEnabled(false, keyId, options, environment);
export const enable = (keyId: string, options: SetEnabledOptions, environment: Environment) => setEnabled(true, keyId, options, environment);
