import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ALERT_READ_MODEL, type AlertReadModel } from '../../anomalies/projection/alert-read-model.port.js';
import { SqliteAlertReadModel } from '../../infrastructure/sqlite/sqlite-alert-read-model.js';
import { SqliteApiKeyReadModel } from '../../infrastructure/sqlite/sqlite-api-key-read-model.js';
import { SqliteKeyUsageReadModel } from '../../infrastructure/sqlite/sqlite-key-usage-read-model.js';
import { WalCheckpointer } from '../../infrastructure/sqlite/wal-checkpointer.js';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../../keys/projection/api-key-read-model.port.js';
import { type AppConfigService, setting } from '../../shared/config/app-config.js';
import { KEY_USAGE_READ_MODEL, type KeyUsageReadModel } from '../../usage/projection/key-usage-read-model.port.js';
import { READ_MODEL_FILE, type ReadModelSettings } from './read-model-storage.js';

interface ReadModels {
  apiKeys: ApiKeyReadModel;
  usage: KeyUsageReadModel;
  alerts: AlertReadModel;
  checkpointer?: WalCheckpointer;
}

const READ_MODELS = Symbol('READ_MODELS');

export function readModelSettings(config: AppConfigService): ReadModelSettings {
  return { MONGODB_URL: setting(config, 'MONGODB_URL'), MONGODB_DB: setting(config, 'MONGODB_DB'), DATA_DIR: setting(config, 'DATA_DIR') };
}

async function openReadModels(config: AppConfigService): Promise<ReadModels> {
  const url = setting(config, 'MONGODB_URL');
  if (url) {
    // Loaded only when configured; one client serves both read models.
    const { connectMongo } = await import('../../infrastructure/mongodb/mongo-connection.js');
    const { MongoApiKeyReadModel } = await import('../../infrastructure/mongodb/mongodb-api-key-read-model.js');
    const { MongoKeyUsageReadModel } = await import('../../infrastructure/mongodb/mongodb-key-usage-read-model.js');
    const { MongoAlertReadModel } = await import('../../infrastructure/mongodb/mongodb-alert-read-model.js');
    const { client, db } = await connectMongo(url, setting(config, 'MONGODB_DB'));
    return {
      apiKeys: await MongoApiKeyReadModel.open(client, db),
      usage: new MongoKeyUsageReadModel(client, db),
      alerts: await MongoAlertReadModel.open(client, db),
    };
  }
  const dataDir = setting(config, 'DATA_DIR');
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, READ_MODEL_FILE);
  const logger = new Logger('ReadModel');
  return {
    apiKeys: new SqliteApiKeyReadModel(file),
    usage: new SqliteKeyUsageReadModel(file),
    alerts: new SqliteAlertReadModel(file),
    checkpointer: new WalCheckpointer([file], (message) => logger.warn(message)),
  };
}

/** Provides the configured read models: MongoDB when MONGODB_URL is set, else one embedded SQLite file. */
@Global()
@Module({
  providers: [
    { provide: READ_MODELS, useFactory: openReadModels, inject: [ConfigService] },
    { provide: API_KEY_READ_MODEL, useFactory: (models: ReadModels) => models.apiKeys, inject: [READ_MODELS] },
    { provide: KEY_USAGE_READ_MODEL, useFactory: (models: ReadModels) => models.usage, inject: [READ_MODELS] },
    { provide: ALERT_READ_MODEL, useFactory: (models: ReadModels) => models.alerts, inject: [READ_MODELS] },
  ],
  exports: [API_KEY_READ_MODEL, KEY_USAGE_READ_MODEL, ALERT_READ_MODEL],
})
export class ReadModelModule implements OnApplicationShutdown {
  constructor(@Inject(READ_MODELS) private readonly models: ReadModels) {}

  async onApplicationShutdown(): Promise<void> {
    await this.models.checkpointer?.close();
    await Promise.all([this.models.apiKeys.close(), this.models.usage.close(), this.models.alerts.close()]);
  }
}
