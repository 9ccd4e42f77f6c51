import type { INestApplicationContext } from '@nestjs/common';
import { nothingProvided, openProjections, publishNowhere } from '../app/projections/open-projections.js';
import { PROJECTIONS } from '../app/projections/projection-catalog.js';
import { servicesHolding } from '../app/storage/service-heartbeat.js';
import { openServiceHeartbeats, type Storage } from '../app/storage/storage.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { checkpointWithinLog } from '../shared/projections/checkpoint-within-log.js';
import { feedInBulk } from '../shared/projections/feed-in-bulk.js';
import { waitUntilCaughtUp } from '../shared/projections/wait-until-caught-up.js';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';

/** How long a command waits for a running service's projections to bring the views up to the log. */
const SERVICE_CATCH_UP_WAIT_MS = 5_000;
const SERVICE_CATCH_UP_POLL_MS = 25;

/**
 * Before a command reads the read models: brings the views it reads (`reads`: their projections' names, views
 * `replay` rebuilds) up to what the log holds now, so that a key created or changed just before (through the API or
 * the CLI) shows at once. When no service is running, from their checkpoints here; with a service running, which
 * keeps them, by waiting for it (bounded: past the bound the command reads them as they are and says so). Only what
 * the command reads: `list` waited for the audit log too, and warned after 5 s whenever the service's request thread
 * was busy, though it reads no entry of it.
 */
export async function catchUpReadModels(app: INestApplicationContext, environment: Environment, reads: readonly string[]): Promise<void> {
  const heartbeats = await openServiceHeartbeats(environment, { onWarning: (message) => process.stderr.write(`warn: ${message}\n`) });
  let serviceRunning: boolean;
  try {
    serviceRunning = (await servicesHolding(heartbeats)).length > 0;
  } finally {
    await heartbeats.close();
  }
  const store = app.get<EventStore>(EVENT_STORE);
  const opened = await openProjections(
    PROJECTIONS.filter((declaration) => declaration.rebuiltByReplay && reads.includes(declaration.name)),
    {
      store,
      storage: app.get<Storage>(READ_MODEL_STORAGE),
      config: environment,
      log: (level, message) => process.stderr.write(`${level}: ${message}\n`),
      publish: publishNowhere,
      provided: nothingProvided('in the CLI'),
    },
  );
  if (serviceRunning) {
    const behind = await waitUntilCaughtUp(store, opened.map(({ projection }) => projection), { waitMs: SERVICE_CATCH_UP_WAIT_MS, pollMs: SERVICE_CATCH_UP_POLL_MS });
    for (const name of behind) {
      process.stderr.write(`warning: the running service has not brought ${name} up to the log within ${SERVICE_CATCH_UP_WAIT_MS / 1000} s; showing it as it is\n`);
    }
    return;
  }
  for (const { projection } of opened) {
    const after = await checkpointWithinLog(store, projection, (message) => process.stderr.write(`warning: ${message}\n`));
    await feedInBulk(store, [projection], { after, types: projection.eventTypes });
  }
}
