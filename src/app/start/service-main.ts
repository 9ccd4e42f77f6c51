import 'reflect-metadata';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from '../app.module.js';
import { configureApp } from '../configure-app.js';
import { ServiceLogger } from '../observability/service-logger.js';
import { stopGracefullyOnSignals } from '../graceful-shutdown.js';
import { ServiceMonitor } from '../health/service-monitor.js';
import { ServiceStopping } from '../health/service-stopping.js';
import { loadConfiguration, configurationWarnings } from '../load-configuration.js';
import { createMainLogger } from '../observability/root-logger.js';
import { listen } from './listen.js';
import { configuredSecrets, describeStartFailure } from './start-failure.js';
import { effectiveConfiguration } from './effective-configuration.js';
import { ServiceExpressAdapter } from '../../shared/http/express-adapter.js';
import { CannotListen, waitForStoresAtStart } from './wait-for-stores-at-start.js';
import { type Environment, InvalidConfigurationError } from '../../shared/config/environment.js';
import { ReadModelsOfAnotherLog } from '../storage/log-identity.js';
import { refuseEmptyEventLog } from '../storage/empty-event-log.js';
import { holdStopSignals, logStopsAtStartTo, releaseStopSignals } from './stop-signals-at-start.js';

/**
 * A start that fails ends with one line: `Invalid configuration: …` on stderr for a bad setting (the log
 * format is a setting), else one `fatal` log line, `cannot start` or `cannot listen`, without a stack or a
 * secret, and nothing else.
 */
async function bootstrap(): Promise<void> {
  let environment: Environment;
  try {
    // Validated here, once; every module injects this instance.
    environment = loadConfiguration(process.env);
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const startLogger = createMainLogger(environment);
  for (const warning of configurationWarnings(process.env)) startLogger.warn({ msg: warning });
  logStopsAtStartTo(startLogger);
  const secrets = configuredSecrets(environment);
  const stop = (msg: string, error: unknown, fields: object = {}): never => {
    startLogger.fatal({ msg, ...fields, error: describeStartFailure(error, secrets) });
    process.exit(1);
  };
  try {
    await start(environment, startLogger, stop);
  } catch (error) {
    if (error instanceof ReadModelsOfAnotherLog) {
      // The whole sentence (it says what to do), which holds no secret: the place is named without credentials.
      startLogger.fatal({ msg: 'cannot start: the read models follow another event log', error: error.message, read_models: error.place, their_log: error.recorded, this_log: error.current });
      process.exit(1);
    }
    // A store that went away between the check and the start, a file that cannot be opened, a hook that threw.
    stop('cannot start', error);
  }
}

async function start(environment: Environment, startLogger: PinoLogger, stop: (msg: string, error: unknown, fields?: object) => never): Promise<void> {
  const listenFields = (error: unknown) => ({ host: environment.HOST, port: environment.PORT, code: (error as NodeJS.ErrnoException).code });
  // The CLI refused it, and the service started a new, empty store over it: every key unknown, the log's ready.
  refuseEmptyEventLog(environment);
  // The wait has a stop of its own (a starting server to close); the signals are held again for the build after it.
  releaseStopSignals();
  try {
    await waitForStoresAtStart(environment, startLogger);
  } catch (error) {
    if (!(error instanceof CannotListen)) throw error;
    stop('cannot listen', error, listenFields(error.cause));
  }
  holdStopSignals();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(environment), new ServiceExpressAdapter(), {
    bodyParser: false,
    // Nest's lines wait for the service's logger. When building fails they are dropped, with Nest's own report
    // of the failure (a coloured stack, whose error may hold a URL and its password): the caller logs the one line.
    bufferLogs: true,
    autoFlushLogs: false,
    abortOnError: false,
  });
  app.useLogger(new ServiceLogger(app.get(Logger)));
  app.flushLogs();
  configureApp(app);
  const starting = initAndListen(app, environment, startLogger, (error) => stop('cannot listen', error, listenFields(error)));
  // From here a signal stops the service, once the start under way has ended: a stop beside it would close the stores under it.
  releaseStopSignals();
  stopGracefullyOnSignals(app, { delayMs: environment.SHUTDOWN_DELAY_MS, log: startLogger, starting });
  await starting;
}

/** The application's init, then the listen, unless a stop began meanwhile (graceful-shutdown.ts): nothing starts after `stopping`. */
async function initAndListen(app: NestExpressApplication, environment: Environment, startLogger: PinoLogger, cannotListen: (error: unknown) => never): Promise<void> {
  await app.init();
  // The store and lag gauges from the first answer on: a scrape as the service starts finds them (see sampleAtStart).
  await app.get(ServiceMonitor, { strict: false }).sampleAtStart();
  if (app.get(ServiceStopping, { strict: false }).state() !== null) return;
  try {
    // Bound here rather than by app.listen, which logs an error line of its own before it rejects.
    await listen(app.getHttpServer() as Server, environment.PORT, environment.HOST);
  } catch (error) {
    // One line, not a stack: the usual cause (EADDRINUSE, EACCES) is the operator's to fix.
    cannotListen(error);
  }
  // With what it took, so an operator can check a deployment's variables (a misspelt one left a default): no secret.
  startLogger.info({ msg: 'listening', url: `http://${urlHost(environment.HOST)}:${environment.PORT}`, settings: effectiveConfiguration(environment) });
}

/** The address to print: a wildcard bind is reached as localhost from the same machine. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

void bootstrap();
