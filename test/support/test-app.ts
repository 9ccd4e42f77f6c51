import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../../src/app/app.module.js';
import { configureApp } from '../../src/app/configure-app.js';
import { ServiceExpressAdapter } from '../../src/shared/http/express-adapter.js';
import { loadConfiguration } from '../../src/app/load-configuration.js';
import { CreateApiKeyCommand, type CreatedApiKey } from '../../src/keys/commands/create-api-key/create-api-key.command.js';
import type { KeyRateLimit } from '../../src/keys/domain/api-key-events.js';
import { ProjectionProgress } from '../../src/shared/projections/projection-progress.js';
import { makeTempDir } from './temp-dir.js';

async function dropMongoDatabase(url: string, name: string): Promise<void> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000 });
  try {
    await client.db(name).dropDatabase();
  } catch {
    // The server may be gone (outage tests); its temporary data goes with it.
  } finally {
    await client.close();
  }
}

export interface TestApp {
  app: NestExpressApplication;
  http: ReturnType<NestExpressApplication['getHttpServer']>;
  dataDir: string;
  /** Creates a key the way the operator CLI does, and waits until it authenticates. */
  bootstrapKey(accountId: string, name?: string, rateLimit?: KeyRateLimit): Promise<CreatedApiKey>;
  /** Closes the app; the data directory stays for a restart. */
  close(): Promise<void>;
  /** Closes the app and removes its data. */
  destroy(): Promise<void>;
}

export type Backend = 'embedded' | 'mongodb';

/** The read-model backends the HTTP suites run against: always embedded, plus MongoDB when MONGODB_URL is set. */
export function backends(): Backend[] {
  return process.env.MONGODB_URL ? ['embedded', 'mongodb'] : ['embedded'];
}

export interface TestAppOptions {
  backend?: Backend;
  /** Reuse a data directory (and Mongo database) to simulate a restart. */
  reuse?: { dataDir: string; mongoDb?: string };
  env?: Record<string, unknown>;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp & { mongoDb?: string }> {
  const temp = options.reuse ? null : makeTempDir('app');
  const dataDir = options.reuse?.dataDir ?? temp!.path;
  const backend = options.backend ?? 'embedded';
  const mongoDb = backend === 'mongodb' ? (options.reuse?.mongoDb ?? `psk_e2e_${randomUUID().slice(0, 8)}`) : undefined;
  const overrides: Record<string, unknown> = {
    // In-process apps write no access log to the test output; a real process's logs are tested (logs.e2e-spec.ts).
    LOG_LEVEL: 'fatal',
    DATA_DIR: dataDir,
    POLL_INTERVAL_MS: 20,
    MONGODB_URL: backend === 'mongodb' ? process.env.MONGODB_URL : undefined,
    MONGODB_DB: mongoDb ?? 'unused',
    // The server only for the suites `npm run test:eventstore` runs (test/eventstoredb.mjs); the others keep the embedded log.
    EVENTSTORE_URL: process.env.E2E_EVENT_STORE === 'eventstoredb' ? process.env.EVENTSTORE_URL : undefined,
    // Shared limits only where a test asks (options.env): parallel suites would otherwise share one failed-auth
    // budget per address (all of them 127.0.0.1) through CI's Redis.
    REDIS_URL: undefined,
    // The account limit (100 a second) only where a test asks: the others send a test's requests as fast as supertest can.
    ACCOUNT_RATE_LIMIT_REQUESTS: 1_000_000,
    ...options.env,
  };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(loadConfiguration({ ...process.env, ...overrides })), new ServiceExpressAdapter(), {
    bodyParser: false,
    logger: false,
    abortOnError: false,
  });
  configureApp(app);
  // Listening on loopback here, so supertest uses this server instead of opening one on every interface.
  await app.listen(0, '127.0.0.1');
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
  };
  return {
    app,
    http: app.getHttpServer(),
    dataDir,
    mongoDb,
    bootstrapKey: async (accountId, name = 'Bootstrap key', rateLimit) => {
      const created = await app.get(CommandBus).execute(new CreateApiKeyCommand(accountId, name, rateLimit ?? null, null, null));
      await app.get(ProjectionProgress).caughtUpTo(created.position);
      return created;
    },
    close,
    destroy: async () => {
      await close();
      temp?.remove();
      if (mongoDb && overrides.MONGODB_URL) await dropMongoDatabase(String(overrides.MONGODB_URL), mongoDb);
    },
  };
}
