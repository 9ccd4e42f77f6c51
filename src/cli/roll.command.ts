import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { presentCreatedApiKey } from '../keys/commands/create-api-key/created-api-key.presenter.js';
import { RollApiKeyCommand } from '../keys/commands/roll-api-key/roll-api-key.command.js';
import { KeysCommandsModule } from '../keys/keys-cli.module.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { openCliContext } from './cli-context.js';
import { operatorChangeRequest } from './key-account.js';
import { printNewKey } from './print-new-key.js';
import { rolledKeyNote } from './rolled-key-note.js';
import { changedKey } from './print-key.js';

export interface RollOptions {
  account?: string;
  ifMatch?: string;
  grace: number;
  closeWhenIdle?: number;
  json?: boolean;
  table?: boolean;
}

/** Rolls a key through the same command handler as POST /v1/api-keys/{id}/roll; prints the successor, its key included (only this once). */
export async function roll(keyId: string, options: RollOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: false }, [CqrsModule.forRoot(), KeysCommandsModule]);
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const request = await operatorChangeRequest(store, keyId, options);
    const { successor, rolled } = await app.get(CommandBus).execute(new RollApiKeyCommand(request, options.grace, options.closeWhenIdle ?? null));
    const answer = { ...presentCreatedApiKey(successor), rolled: await changedKey(store, rolled.view) };
    await printNewKey(answer, answer, options, rolledKeyNote(answer.rolled));
  } finally {
    await app.close();
  }
}
