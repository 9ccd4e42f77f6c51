import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app/app.module.js';
import { configureApp } from './app/configure-app.js';
import { ServiceLogger } from './app/observability/service-logger.js';
import { stopGracefullyOnSignals } from './app/graceful-shutdown.js';
import { loadConfiguration } from './app/load-configuration.js';
import { createRootLogger } from './app/observability/root-logger.js';
import { ServiceExpressAdapter } from './shared/http/express-adapter.js';
import { CannotListen, waitForStoresAtStart } from './app/start/wait-for-stores-at-start.js';
import { InvalidConfigurationError } from './shared/config/environment.js';

async function bootstrap(): Promise<void> {
  try {
    // Validated here, once; every module injects this instance.
    const environment = loadConfiguration(process.env);
    const startLogger = createRootLogger(environment).child({ context: 'Main' });
    try {
      await waitForStoresAtStart(environment, startLogger);
    } catch (error) {
      if (!(error instanceof CannotListen)) throw error;
      startLogger.fatal({ msg: 'cannot listen', host: environment.HOST, port: environment.PORT, code: error.cause.code, error: error.message });
      process.exit(1);
    }
    // Nest's own lines (module init, errors) go through the service's pino logger once it exists.
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(environment), new ServiceExpressAdapter(), {
      bodyParser: false,
      bufferLogs: true,
      abortOnError: false,
    }).catch((error: unknown) => {
      // A store that went away between the check and the start, or a file that cannot be opened: one line.
      startLogger.fatal({ msg: 'cannot start', error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      process.exit(1);
    });
    const logger = new ServiceLogger(app.get(Logger));
    app.useLogger(logger);
    configureApp(app);
    stopGracefullyOnSignals(app);
    try {
      await app.listen(environment.PORT, environment.HOST);
    } catch (error) {
      // One line, not a stack: the usual cause (EADDRINUSE, EACCES) is the operator's to fix.
      logger.fatal({ msg: 'cannot listen', host: environment.HOST, port: environment.PORT, code: (error as NodeJS.ErrnoException).code, error: (error as Error).message }, 'Main');
      process.exit(1);
    }
    logger.log({ msg: 'listening', url: `http://${urlHost(environment.HOST)}:${environment.PORT}` }, 'Main');
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** The address to print: a wildcard bind is reached as localhost from the same machine. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

void bootstrap();
