import { join } from 'node:path';
import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AlertWebhookDelivery } from '../anomalies/delivery/alert-webhook.projection.js';
import type { CheckpointStore } from '../anomalies/delivery/checkpoint-store.port.js';
import { SqliteCheckpointStore } from '../infrastructure/sqlite/sqlite-checkpoint-store.js';
import { type AppConfigService, setting } from '../shared/config/app-config.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import type { Projection } from '../shared/projections/projection.js';

/** Log-driven work besides the read models that is configured on or off: alert delivery. */
export const BACKGROUND_PROJECTIONS = Symbol('BACKGROUND_PROJECTIONS');

const DELIVERY_NAME = 'alert-webhook';

async function openCheckpointStore(config: AppConfigService): Promise<CheckpointStore> {
  const url = setting(config, 'MONGODB_URL');
  if (!url) return new SqliteCheckpointStore(join(setting(config, 'DATA_DIR'), 'deliveries.sqlite'));
  const { connectMongo } = await import('../infrastructure/mongodb/mongo-connection.js');
  const { MongoCheckpointStore } = await import('../infrastructure/mongodb/mongo-checkpoint-store.js');
  const { client, db } = await connectMongo(url, setting(config, 'MONGODB_DB'));
  return new MongoCheckpointStore(client, db);
}

async function openBackgroundProjections(config: AppConfigService, store: EventStore): Promise<Projection[]> {
  const url = setting(config, 'ALERT_WEBHOOK_URL');
  const secret = setting(config, 'ALERT_WEBHOOK_SECRET');
  if (!url || !secret) return [];
  const checkpoints = await openCheckpointStore(config);
  // The first time delivery is configured it starts at the end of the log: older alerts are not sent.
  if ((await checkpoints.get(DELIVERY_NAME)) === null) await checkpoints.save(DELIVERY_NAME, (await store.headPosition()) ?? 0);
  return [
    new AlertWebhookDelivery(
      { url, secret, timeoutMs: 10_000, retry: { minMs: 500, maxMs: 30_000, maxAttemptsPerBatch: 5 } },
      checkpoints,
    ),
  ];
}

export const backgroundProjectionsProvider: Provider = {
  provide: BACKGROUND_PROJECTIONS,
  useFactory: openBackgroundProjections,
  inject: [ConfigService, EVENT_STORE],
};
