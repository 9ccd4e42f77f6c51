import 'reflect-metadata';
import { alerts } from './cli/alerts.command.js';
import { createKey } from './cli/create-key.command.js';
import { history } from './cli/history.command.js';
import { replay } from './cli/replay.command.js';
import { UsageError } from './cli/usage-error.js';
import { loadConfiguration } from './app/load-configuration.js';
import { type Environment, InvalidConfigurationError } from './shared/config/environment.js';
import { ApplicationError } from './shared/application/errors.js';
import { DomainError } from './shared/domain/domain-error.js';
import { redactSecrets } from './shared/domain/secret-redaction.js';

const USAGE = `Usage:
  npm run cli -- create-key --account <account-id> [--name <name>] [--rate-limit <requests>/<seconds>]
      Appends KeyCreated to the configured event store and prints the key as POST /v1/api-keys returns it.
  npm run cli -- history <key-id>
      Prints the key's whole trail from the event log, one JSON event per line.
  npm run cli -- replay
      Drops every read model and rebuilds it from the start of the log (stop the service first).
  npm run cli -- alerts [--rule <rule>] [--account <account-id> | --unowned]
      Prints every alert in the log, oldest first, one JSON object per line as the webhook sends them,
      including the alerts of no account (failed authentications from an address with unknown keys).`;

const COMMANDS: Record<string, (args: string[], environment: Environment) => Promise<void>> = { 'create-key': createKey, history, replay, alerts };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const environment = loadConfiguration(process.env);
    const run = command ? COMMANDS[command] : undefined;
    if (!run) throw new UsageError(command ? `Unknown command: ${command}` : 'No command given');
    await run(rest, environment);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      // Messages may echo an argument (an unknown option or command): keys in them are redacted like anywhere else.
      process.stderr.write(`${redactSecrets((error as Error).message)}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof InvalidConfigurationError || error instanceof DomainError || error instanceof ApplicationError) {
      process.stderr.write(`${redactSecrets(error.message)}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
