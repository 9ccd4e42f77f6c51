import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { RevokeApiKeyCommand } from '../keys/commands/revoke-api-key/revoke-api-key.command.js';
import { revocationReceipt } from '../keys/commands/revoke-api-key/revocation-receipt.js';
import { KeysCommandsModule } from '../keys/keys-cli.module.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { openCliContext } from './cli-context.js';
import { operatorChangeRequest } from './key-account.js';
import { changedKey } from './print-key.js';
import { keyRecord } from './key-fields.js';
import { note, outputFormat, print, printJson } from './output.js';
import { renderRecord } from './table.js';

export interface RevokeOptions {
  account?: string;
  ifMatch?: string;
  json?: boolean;
  table?: boolean;
}

/**
 * Revokes through the same command handler as DELETE /v1/api-keys/{id} (the Decider, appended with the
 * revision it read), then prints the key as the log has it, with the API's receipt of the revocation. Needs no
 * read model, so it works while they are down.
 * Revoking a revoked key changes nothing and prints the same.
 */
export async function revoke(keyId: string, options: RevokeOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: false }, [CqrsModule.forRoot(), KeysCommandsModule]);
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const revoked = await app.get(CommandBus).execute(new RevokeApiKeyCommand(await operatorChangeRequest(store, keyId, options)));
    // The CLI is no instance (no key table, no Redis): the revocation is in force once it is in the log, which every
    // instance reads, and there are no instances to have confirmed it.
    const revocation = revocationReceipt(revoked.position, new Date(), null);
    // With the revision (the API's ETag), as every change prints it.
    const key = { ...(await changedKey(store, revoked.view)), revision: revoked.view.revision, revocation };
    if (outputFormat(options) === 'json') return printJson(key);
    print(renderRecord([...keyRecord(key), ['revision', String(key.revision)], ['log position', String(revocation.position)], ['in force at', revocation.in_force_at]]));
    note(`Revoked: key ${keyId} is refused from now on (running services: once they read the log, within their poll interval).`);
  } finally {
    await app.close();
  }
}
