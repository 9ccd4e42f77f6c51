import type { ProjectionLog } from '../../shared/projections/projection-declaration.js';
import type { Environment } from '../../shared/config/environment.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { openReadModelStorage, type ReadModelSettings, type Storage } from '../storage/storage.js';
import { nothingProvided, openProjections, publishNowhere } from './open-projections.js';
import { KNOWN_EVENT_TYPES, PROJECTIONS } from './projection-catalog.js';
import { type RebuildProgress, type RebuildResult, rebuildProjections } from './rebuild-projections.js';

export interface RebuildReadModelsOptions {
  /** Any storage of the configured place: only its generation pointer is used. */
  live: Storage;
  log: ProjectionLog;
  onProgress?(progress: RebuildProgress): void;
}

/** What `replay` does: every read model declared `rebuiltByReplay`, rebuilt into a new generation of the configured storage. */
export function rebuildReadModels(store: EventStore, config: Environment & ReadModelSettings, options: RebuildReadModelsOptions): Promise<RebuildResult> {
  return rebuildProjections({
    store,
    generations: options.live.generations(),
    openAt: (generation) =>
      openReadModelStorage(config, {
        walCheckpoints: false,
        onWarning: (message) => options.log('warn', message),
        onError: (message) => options.log('error', message),
        generation,
      }),
    projectionsOn: async (storage) => {
      const declarations = PROJECTIONS.filter((declaration) => declaration.rebuiltByReplay);
      const opened = await openProjections(declarations, {
        store,
        storage,
        config,
        log: options.log,
        provided: nothingProvided('in a rebuild'),
        // A rebuild writes a generation no request reads until it is made live: nothing to tell.
        publish: publishNowhere,
      });
      return opened.map(({ projection }) => projection);
    },
    onProgress: options.onProgress,
    saveEveryMs: config.REBUILD_SAVE_INTERVAL_MS,
    knownEventTypes: KNOWN_EVENT_TYPES,
  });
}
