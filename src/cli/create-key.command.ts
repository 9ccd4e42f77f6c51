import { parseArgs } from 'node:util';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import type { Environment } from '../shared/config/environment.js';
import { containsSecret } from '../shared/domain/secret-redaction.js';
import { openCliContext } from './cli-context.js';
import { CreateApiKeyCommand } from '../keys/commands/create-api-key/create-api-key.command.js';
import { presentCreatedApiKey } from '../keys/commands/create-api-key/created-api-key.presenter.js';
import type { KeyRateLimit } from '../keys/domain/api-key-events.js';
import { KeysCommandsModule } from '../keys/keys.module.js';
import { UsageError } from './usage-error.js';

const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Appends KeyCreated to the configured event store and prints the key exactly as POST /v1/api-keys returns it. */
export async function createKey(args: string[], environment: Environment): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { account: { type: 'string' }, name: { type: 'string' }, 'rate-limit': { type: 'string' } },
    strict: true,
  });
  if (!values.account || !ACCOUNT_ID.test(values.account)) {
    throw new UsageError('--account is required: 1-64 letters, digits, _ or -');
  }
  // An account id is an identifier, recorded in every event of the account: it cannot be redacted, so a key is refused.
  if (containsSecret(values.account)) throw new UsageError('--account must not be an API key');
  const rateLimit = values['rate-limit'] === undefined ? null : parseRateLimit(values['rate-limit']);
  const app = await openCliContext(environment, { readModels: false }, [CqrsModule.forRoot(), KeysCommandsModule]);
  try {
    const created = await app
      .get(CommandBus)
      .execute(new CreateApiKeyCommand(values.account, values.name ?? null, rateLimit, null, null));
    process.stdout.write(`${JSON.stringify(presentCreatedApiKey(created), null, 2)}\n`);
  } finally {
    await app.close();
  }
}

function parseRateLimit(text: string): KeyRateLimit {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new UsageError('--rate-limit takes <requests>/<seconds>, for example 100/60');
  return { requests: Number(match[1]), perSeconds: Number(match[2]) };
}
