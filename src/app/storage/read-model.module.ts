import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { API_KEY_READ_MODEL, type ApiKeyReadModel } from '../../keys/projection/api-key-read-model.port.js';
import { type AppConfigService, setting } from '../../shared/config/app-config.js';

async function openReadModel(config: AppConfigService): Promise<ApiKeyReadModel> {
  const url = setting(config, 'MONGODB_URL');
  if (url) {
    const { connectMongo } = await import('../../infrastructure/mongodb/mongo-connection.js');
    const { MongoApiKeyReadModel } = await import('../../infrastructure/mongodb/mongodb-api-key-read-model.js');
    const { client, db } = await connectMongo(url, setting(config, 'MONGODB_DB'));
    return MongoApiKeyReadModel.open(client, db);
  }
  const dataDir = setting(config, 'DATA_DIR');
  mkdirSync(dataDir, { recursive: true });
  const { SqliteApiKeyReadModel } = await import('../../infrastructure/sqlite/sqlite-api-key-read-model.js');
  return new SqliteApiKeyReadModel(join(dataDir, 'read-model.sqlite'));
}

/** Provides the configured read model: MongoDB when MONGODB_URL is set, else an embedded SQLite file. */
@Global()
@Module({
  providers: [{ provide: API_KEY_READ_MODEL, useFactory: openReadModel, inject: [ConfigService] }],
  exports: [API_KEY_READ_MODEL],
})
export class ReadModelModule implements OnApplicationShutdown {
  constructor(@Inject(API_KEY_READ_MODEL) private readonly readModel: ApiKeyReadModel) {}

  async onApplicationShutdown(): Promise<void> {
    await this.readModel.close();
  }
}
