import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { configModule } from './app/app.module.js';
import { EventStoreModule } from './app/storage/event-store.module.js';
import { CreateApiKeyCommand } from './keys/commands/create-api-key/create-api-key.command.js';
import { presentCreatedApiKey } from './keys/commands/create-api-key/created-api-key.presenter.js';
import type { KeyRateLimit } from './keys/domain/api-key-events.js';
import { KeysCommandsModule } from './keys/keys.module.js';
import { InvalidConfigurationError, loadEnvironment } from './shared/config/environment.js';
import { DomainError } from './shared/domain/domain-error.js';

const USAGE = `Usage:
  npm run cli -- create-key --account <account-id> [--name <name>] [--rate-limit <requests>/<seconds>]

Appends KeyCreated to the configured event store (the same as the running service's)
and prints the new key as JSON, exactly as POST /v1/api-keys returns it.`;

const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

@Module({ imports: [configModule(), CqrsModule.forRoot(), EventStoreModule, KeysCommandsModule] })
class CliModule {}

async function createKey(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { account: { type: 'string' }, name: { type: 'string' }, 'rate-limit': { type: 'string' } },
    strict: true,
  });
  if (!values.account || !ACCOUNT_ID.test(values.account)) {
    throw new UsageError('--account is required: 1-64 letters, digits, _ or -');
  }
  const rateLimit = values['rate-limit'] === undefined ? null : parseRateLimit(values['rate-limit']);
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'fatal'] });
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

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    loadEnvironment(process.env);
    switch (command) {
      case 'create-key':
        await createKey(rest);
        return 0;
      default:
        throw new UsageError(command ? `Unknown command: ${command}` : 'No command given');
    }
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof InvalidConfigurationError || error instanceof DomainError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
