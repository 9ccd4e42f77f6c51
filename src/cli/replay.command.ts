import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configModule } from '../app/app.module.js';
import { rebuildProjections, type RebuildProgress } from '../app/rebuild-projections.js';
import { EventStoreModule } from '../app/storage/event-store.module.js';
import { ReadModelModule } from '../app/storage/read-model.module.js';
import { VIEW_PROJECTIONS, viewProjectionsProvider } from '../app/view-projections.provider.js';
import { EVENT_STORE, type EventStore } from '../shared/event-store/event-store.port.js';
import type { Projection } from '../shared/projections/projection.js';

@Module({ imports: [configModule(), EventStoreModule, ReadModelModule], providers: [viewProjectionsProvider] })
class ReplayModule {}

const BAR_WIDTH = 30;

function drawProgress({ events, position, head }: RebuildProgress): void {
  const share = head > 0 ? Math.min(1, position / head) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${(share * 100).toFixed(0)}% ${events} events`);
}

/** Drops every read model and rebuilds it from the start of the log. Stop the service first. */
export async function replay(args: string[]): Promise<void> {
  parseArgs({ args, strict: true });
  const app = await NestFactory.createApplicationContext(ReplayModule, { logger: ['error', 'fatal'] });
  try {
    const projections = app.get<Projection[]>(VIEW_PROJECTIONS);
    const result = await rebuildProjections(app.get<EventStore>(EVENT_STORE), projections, drawProgress);
    const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
    process.stderr.write('\n');
    process.stdout.write(
      `Rebuilt ${projections.map((p) => p.name).join(', ')} from ${result.events} events in ${result.seconds.toFixed(2)} s (${rate} events/s)\n`,
    );
  } finally {
    await app.close();
  }
}
