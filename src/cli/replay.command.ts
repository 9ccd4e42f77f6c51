import { parseArgs } from 'node:util';
import { nothingProvided, openProjections } from '../app/projections/open-projections.js';
import { PROJECTIONS } from '../app/projections/projection-catalog.js';
import { rebuildProjections, type RebuildProgress } from '../app/projections/rebuild-projections.js';
import type { Storage } from '../app/storage/storage.js';
import type { Environment } from '../shared/config/environment.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import { READ_MODEL_STORAGE } from '../shared/storage/read-model-storage.port.js';
import { openCliContext } from './cli-context.js';

const BAR_WIDTH = 30;

function drawProgress({ events, position, head }: RebuildProgress): void {
  const share = head > 0 ? Math.min(1, position / head) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${(share * 100).toFixed(0)}% ${events} events`);
}

/** Drops every read model declared `rebuiltByReplay` and rebuilds it from the start of the log. Stop the service first. */
export async function replay(args: string[], environment: Environment): Promise<void> {
  parseArgs({ args, strict: true });
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
    process.stdout.write(
      `Rebuilt ${projections.map((p) => p.name).join(', ')} from ${result.events} events in ${result.seconds.toFixed(2)} s (${rate} events/s)\n`,
    );
  } finally {
    await app.close();
  }
}
