import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { parseAnomalyThresholds } from './anomalies/detection/parse-anomaly-thresholds.js';
import { AppModule } from './app/app.module.js';
import { configureApp } from './app/configure-app.js';
import { InvalidConfigurationError, loadEnvironment } from './shared/config/environment.js';

async function bootstrap(): Promise<void> {
  let port: number;
  let host: string;
  let logLevel: string;
  try {
    const environment = loadEnvironment(process.env);
    ({ PORT: port, HOST: host, LOG_LEVEL: logLevel } = environment);
    parseAnomalyThresholds(environment.ANOMALY_THRESHOLDS);
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const levels = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(), {
    bodyParser: false,
    logger: levels.slice(0, levels.indexOf(logLevel as (typeof levels)[number]) + 1),
  });
  configureApp(app);
  await app.listen(port, host);
}

void bootstrap();
