import { type DynamicModule, type INestApplicationContext, type LoggerService, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigurationModule } from '../app/configuration.module.js';
import { StorageModule } from '../app/storage/storage.module.js';
import type { Environment } from '../shared/config/environment.js';

@Module({})
class CliModule {}

/**
 * Only the stores' warnings, on stderr as the CLI writes its own (a read-model file found corrupt and set aside).
 * Not the errors: a store that cannot be opened is said once, by src/cli/report-failure.ts.
 */
const WARNINGS_ONLY: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: (message: unknown) => void process.stderr.write(`warn: ${String(message)}\n`),
};

/**
 * A Nest context for one command, without HTTP or projections: the validated environment, the storage
 * (the read models only when the command needs them) and what the command adds. A command serves no request, so its
 * appends commit on its own thread: a worker thread would cost it more to start than its one or two appends.
 */
export function openCliContext(
  environment: Environment,
  options: { readModels: boolean },
  imports: (Type | DynamicModule)[] = [],
): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    { module: CliModule, imports: [ConfigurationModule.forRoot(environment), StorageModule.forRoot({ ...options, flushedAppendsOnThisThread: true }), ...imports] },
    // A store that cannot be opened rejects here, and the CLI says so in one line (src/cli/report-failure.ts),
    // instead of Nest logging the whole error and exiting on its own.
    { logger: WARNINGS_ONLY, abortOnError: false },
  );
}
