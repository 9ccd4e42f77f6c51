import { nothingProvided, openProjections } from '../app/projections/open-projections.js';
import { PROJECTIONS } from '../app/projections/projection-catalog.js';
import { rebuildProjections, type RebuildProgress } from '../app/projections/rebuild-projections.js';
import { servicesHolding } from '../app/storage/service-heartbeat.js';
import { openServiceHeartbeats, type Storage } from '../app/storage/storage.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';
import { openCliContext } from './cli-context.js';
import { printJson } from './output.js';
import { StoreInUseError } from './store-in-use.error.js';

const BAR_WIDTH = 30;

export interface ReplayOptions {
  /** The summary is a sentence for people unless asked for JSON, even through a pipe. */
  json?: boolean;
}

function drawProgress({ events, position, head }: RebuildProgress): void {
  const share = head > 0 ? Math.min(1, position / head) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${(share * 100).toFixed(0)}% ${events} events`);
}

/** Refuses while a service's heartbeat says it is writing the read models: the rebuild would empty them under it. */
async function refuseUnderRunningService(environment: Environment): Promise<void> {
  const heartbeats = await openServiceHeartbeats(environment);
  try {
    const [running] = await servicesHolding(heartbeats);
    if (running) {
      const seconds = Math.max(0, Math.round((Date.now() - running.beatAt.getTime()) / 1000));
      throw new StoreInUseError(
        `a service is using this store (pid ${running.pid} on ${running.host}, seen ${seconds} s ago): stop it, then run replay again`,
      );
    }
  } finally {
    await heartbeats.close();
  }
}

/** Drops every read model declared `rebuiltByReplay` and rebuilds it from the start of the log; only with no service running. */
export async function replay(options: ReplayOptions, environment: Environment): Promise<void> {
  await refuseUnderRunningService(environment);
  const app = await openCliContext(environment, { readModels: true });
  try {
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
    const projections = opened.map(({ projection }) => projection);
    const result = await rebuildProjections(store, projections, drawProgress);
    const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
    process.stderr.write('\n');
    const names = projections.map((p) => p.name);
    if (options.json) return printJson({ rebuilt: names, events: result.events, seconds: result.seconds });
    process.stdout.write(`Rebuilt ${names.join(', ')} from ${result.events} events in ${result.seconds.toFixed(2)} s (${rate} events/s)\n`);
  } finally {
    await app.close();
  }
}
