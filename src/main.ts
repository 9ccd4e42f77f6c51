import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app/app.module.js';
import { configureApp } from './app/configure-app.js';
import { stopGracefullyOnSignals } from './app/graceful-shutdown.js';
import { loadConfiguration } from './app/load-configuration.js';
import { InvalidConfigurationError } from './shared/config/environment.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

async function bootstrap(): Promise<void> {
  try {
    // Validated here, once; every module injects this instance.
    const environment = loadConfiguration(process.env);
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(environment), {
      bodyParser: false,
      logger: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(environment.LOG_LEVEL as (typeof LOG_LEVELS)[number]) + 1),
    });
    configureApp(app);
    stopGracefullyOnSignals(app);
    await app.listen(environment.PORT, environment.HOST);
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

void bootstrap();
