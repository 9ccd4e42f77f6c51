import { dropGenerationsBut } from '../app/projections/rebuild-projections.js';
import { rebuildReadModels } from '../app/projections/rebuild-read-models.js';
import { servicesHolding } from '../app/storage/service-heartbeat.js';
import { openServiceHeartbeats, type Storage } from '../app/storage/storage.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';
import { openCliContext } from './cli-context.js';
import { print, printJson } from './output.js';
import { replayProgress } from './replay-progress.js';

export interface ReplayOptions {
  /** The summary is a sentence for people unless asked for JSON, even through a pipe. */
  json?: boolean;
}

/** How many services say they run on this store now: each moves to the new generation within its GENERATION_CHECK_INTERVAL_MS. */
async function runningServices(environment: Environment): Promise<number> {
  const heartbeats = await openServiceHeartbeats(environment, { onWarning: (message) => process.stderr.write(`warn: ${message}\n`) });
  try {
    return (await servicesHolding(heartbeats)).length;
  } finally {
    await heartbeats.close();
  }
}

/**
 * Rebuilds every read model declared `rebuiltByReplay` into a new generation beside the live one (blue/green),
 * resuming one that was interrupted, and makes it live once it has read the log to its end. Safe while services
 * run: they keep serving the generation they opened, which the rebuild never writes, until it is live, then move
 * to it by themselves. Old generations are deleted only when no service runs.
 */
export async function replay(options: ReplayOptions, environment: Environment): Promise<void> {
  const app = await openCliContext(environment, { readModels: true });
  const progress = replayProgress(process.stderr);
  try {
    const live = app.get<Storage>(READ_MODEL_STORAGE);
    const result = await rebuildReadModels(app.get<EventStore>(EVENT_STORE), environment, {
      live,
      log: (level, message) => process.stderr.write(`${level}: ${message}\n`),
      onProgress: (at) => progress.draw(at),
    });
    const running = await runningServices(environment);
    const dropped = running === 0 ? await dropGenerationsBut(live.generations(), [result.generation]) : [];
    const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
    progress.end();
    if (options.json) {
      const { generation, previous, resumedAfter, projections, events, seconds } = result;
      return printJson({ rebuilt: projections, generation, previous, resumed_after: resumedAfter, events, seconds, running_services: running, dropped });
    }
    const resumed = result.resumedAfter === null ? '' : ` (resumed after position ${result.resumedAfter})`;
    const after =
      running === 0
        ? `; it is live.`
        : `; it is live. ${running} running service(s) move to it within their GENERATION_CHECK_INTERVAL_MS (5 s by default); ` +
          'older generations are deleted by a replay run with no service running.';
    print(
      `Rebuilt read-model generation ${result.generation} from ${result.events} events in ${result.seconds.toFixed(2)} s (${rate} events/s)${resumed}${after}\n`,
    );
  } finally {
    await app.close();
  }
}
