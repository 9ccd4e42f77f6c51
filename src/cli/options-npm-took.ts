import { CommanderError, type Command } from 'commander';

/**
 * `npm run cli list --account acme`, without the `--` the docs give, hands `--account` to npm as one of its own
 * settings (npm_config_account in the environment) and the CLI gets `list acme`: its usage error then named an
 * option the operator had typed ("required option '--account <account-id>' not specified"). When npm took options of
 * the command, a usage error says so and how to pass them.
 */
export function withOptionsNpmTook(error: unknown, command: Command | undefined, env: NodeJS.ProcessEnv): unknown {
  if (!(error instanceof CommanderError) || error.exitCode === 0 || command === undefined || env.npm_lifecycle_event !== 'cli') return error;
  const took = command.options
    .map((option) => option.long)
    .filter((long): long is string => long !== undefined && env[`npm_config_${long.slice(2).replaceAll('-', '_')}`] !== undefined);
  if (took.length === 0) return error;
  const hint = `npm took ${took.join(', ')} for its own settings: put -- before the command, npm run cli -- ${command.name()} …`;
  return new CommanderError(error.exitCode, error.code, `${error.message} (${hint})`);
}
