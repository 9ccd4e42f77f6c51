import { join } from 'node:path';
import { KEY_CREATED } from '../../keys/domain/api-key-events.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import type { ReadModelGenerations } from '../../shared/storage/read-model-generations.js';
import type { ReadModelSettings } from './storage.js';

/**
 * A log's identity: the id of its first KeyCreated event. The same in every backup and restore of the log, never
 * archived (lifecycle events are kept), on every event store; null while the log holds no key.
 */
export async function logIdentityOf(store: EventStore): Promise<string | null> {
  const [first] = await store.readAll({ after: null, maxCount: 1, types: [KEY_CREATED] });
  return first?.id ?? null;
}

/** Where the read models are, for the operator, without a URL's user or password. */
export function readModelPlace(settings: ReadModelSettings): string {
  if (!settings.MONGODB_URL) return `read-model file ${join(settings.DATA_DIR, 'read-model.sqlite')}`;
  const hosts = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/i.exec(settings.MONGODB_URL)?.[1] ?? 'the configured server';
  return `MONGODB_DB ${settings.MONGODB_DB} at ${hosts}`;
}

/** Read models that follow another event log than the one configured: following this one would replace them. */
export class ReadModelsOfAnotherLog extends Error {
  constructor(
    readonly place: string,
    readonly recorded: string,
    readonly current: string | null,
    mongo: boolean,
  ) {
    super(
      `The read models in ${place} follow another event log (first KeyCreated ${recorded}; this log's: ${current ?? 'none, it holds no key'}): ` +
        (mongo
          ? 'each event log needs its own MONGODB_DB; to reuse this database for this log, drop it first'
          : 'each event log needs its own DATA_DIR; to reuse these read models for this log, remove the read-model*.sqlite files first'),
    );
    this.name = 'ReadModelsOfAnotherLog';
  }
}

/**
 * Before any projection reads or writes the read models: they must follow this log. None recorded (a new place, or
 * one from before identities were recorded): this log's is recorded, once it has a key. Another: refused.
 */
export async function checkLogIdentity(store: EventStore, generations: ReadModelGenerations, settings: ReadModelSettings): Promise<void> {
  const current = await logIdentityOf(store);
  let recorded = await generations.logIdentity();
  if (recorded === null && current !== null) recorded = await generations.recordLogIdentity(current);
  if (recorded !== null && recorded !== current) {
    throw new ReadModelsOfAnotherLog(readModelPlace(settings), recorded, current, Boolean(settings.MONGODB_URL));
  }
}
