import type { ProjectionDeclaration } from '../shared/projections/projection-declaration.js';
import { viewProjectionDeclaration } from '../shared/projections/view-projection-declaration.js';
import { ViewProjection } from '../shared/projections/view-projection.js';
import { KEY_TABLE, KeyTable } from './authentication/key-table.js';
import { API_KEY_EVENT_TYPES, API_KEY_STREAM_PREFIX } from './domain/api-key-events.js';
import type { KeysStorage } from './keys.storage.js';
import { apiKeyProjection, apiKeyProjectionWarning } from './projection/api-key-projection.js';
import { auditLogProjection } from './projection/audit-log-projection.js';

const storedKeyViews = viewProjectionDeclaration(apiKeyProjection, { runsOn: 'projection-thread', role: 'background' }, (storage: KeysStorage) => storage.apiKeyReadModel());

/**
 * The keys feature's projections: the in-memory key table that authenticates and answers the key queries, the
 * stored key views it is loaded from at start (which the CLI reads), and the accounts' audit logs.
 */
export const keysProjections: readonly ProjectionDeclaration<KeysStorage>[] = [
  // No request waits for the stored views: the key table holds the same fold of the same events, applied at once
  // by the instance that appends them. Off the request thread, their writes cost requests nothing; when they
  // lag, the table's next load reads the rest from the log.
  // A key's event this version cannot read is logged, once per key, as a warning.
  {
    ...storedKeyViews,
    open: async ({ storage, log }) => new ViewProjection(apiKeyProjectionWarning((message) => log('warn', message)), await storage.apiKeyReadModel()),
  },
  {
    name: KEY_TABLE,
    eventTypes: API_KEY_EVENT_TYPES,
    readsUnknownTypesIn: API_KEY_STREAM_PREFIX,
    // In the memory of the thread that authenticates, where KeysModule provides it to the verifier.
    runsOn: 'request-thread',
    role: 'read-model',
    // Loaded from the key views at every start: nothing of its own to rebuild. Loaded again from a rebuilt
    // generation made live, which holds whatever the views it was loaded from may have lost.
    rebuiltByReplay: false,
    loadsFromViews: true,
    // It must not serve a key revoked in the log but not yet in the views it was loaded from, and a revocation
    // is in force once it has applied it, whatever the views.
    enforcesAccess: true,
    open: async ({ provided }) => provided(KeyTable),
  },
  // The account's audit log (GET /v1/events): read on requests, its lag reported without making an instance unready,
  // as the alerts'. No change waits for it: an audit log may trail the change it lists (Stripe's events, GitHub's audit
  // log do), and a change that waited was held by its store (a revocation during a MongoDB outage answered only at the
  // read-your-writes timeout, with catching-up). On the request thread, as the alerts: one write per key change.
  viewProjectionDeclaration(auditLogProjection, { runsOn: 'request-thread', role: 'statistics', writersWait: false }, (storage: KeysStorage) =>
    storage.auditLogReadModel(),
  ),
];
