import type { INestApplicationContext } from '@nestjs/common';
import { nothingProvided, openProjections } from '../app/projections/open-projections.js';
import { PROJECTIONS } from '../app/projections/projection-catalog.js';
import { servicesHolding } from '../app/storage/service-heartbeat.js';
import { openServiceHeartbeats, type Storage } from '../app/storage/storage.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { feedInBulk } from '../shared/projections/feed-in-bulk.js';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';

/**
 * Before a command reads the read models: when no service is running to keep them current, brings the views
 * `replay` rebuilds up to the end of the log from their checkpoints, so that what the CLI appended while the
 * service was stopped (create-key, revoke) shows at once. With a service running, it leaves them to it.
 */
export async function catchUpReadModelsWithoutService(app: INestApplicationContext, environment: Environment): Promise<void> {
  const heartbeats = await openServiceHeartbeats(environment);
  try {
    if ((await servicesHolding(heartbeats)).length > 0) return;
  } finally {
    await heartbeats.close();
  }
  const store = app.get<EventStore>(EVENT_STORE);
  const opened = await openProjections(
    PROJECTIONS.filter((declaration) => declaration.rebuiltByReplay),
    {
      store,
      storage: app.get<Storage>(READ_MODEL_STORAGE),
      config: environment,
      log: (level, message) => process.stderr.write(`${level}: ${message}\n`),
      provided: nothingProvided('in the CLI'),
    },
  );
  for (const { projection } of opened) {
    await feedInBulk(store, [projection], { after: await projection.checkpoint(), types: projection.eventTypes });
  }
}
