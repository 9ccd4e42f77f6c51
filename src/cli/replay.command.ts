import { parseArgs } from 'node:util';
import type { RebuildProgress } from '../app/projections/rebuild-projections.js';
import { rebuildReadModels } from '../app/projections/rebuild-read-models.js';
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

/**
 * Rebuilds every read model declared `rebuiltByReplay` into a new generation beside the live one (blue/green),
 * resuming one that was interrupted, and makes it live when it has caught up with the log.
 */
export async function replay(args: string[], environment: Environment): Promise<void> {
  parseArgs({ args, strict: true });
  const app = await openCliContext(environment, { readModels: true });
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const result = await rebuildReadModels(store, environment, {
      live: app.get<Storage>(READ_MODEL_STORAGE),
      log: (level, message) => process.stderr.write(`${level}: ${message}\n`),
      onProgress: drawProgress,
    });
    const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
    process.stderr.write('\n');
    const resumed = result.resumedAfter === null ? '' : ` (resumed after position ${result.resumedAfter})`;
    process.stdout.write(
      `Rebuilt read-model generation ${result.generation} from ${result.events} events in ${result.seconds.toFixed(2)} s (${rate} events/s)${resumed}; ` +
        `it is live. Generation ${result.previous} is kept for instances started before: restart them to serve the new one.\n`,
    );
  } finally {
    await app.close();
  }
}
