import type { EventStore, RecordedEvent, StreamPage } from '../../../shared/event-store/event-store.port.js';
import { KEY_USED, keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { HISTORY_START, type KeyHistoryCursor } from './key-history-cursor.js';
import type { KeyHistoryOrder } from './key-history-order.js';
import { readKeyHistoryPage } from './read-key-history.js';

const KEY = '6f1c2a4e-0000-4000-8000-000000000001';
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

/** A log where uses are appended in batches: the use made at 0:03 is logged after the revocation at 0:04. */
function log(): RecordedEvent[] {
  let position = 0;
  const lifecycle = (type: string, revision: number, second: number): RecordedEvent => ({
    id: `l${revision}`, streamId: apiKeyStreamId(KEY), type, schemaVersion: 1, data: {}, metadata: {}, revision, position: ++position, recordedAt: at(second),
  });
  const use = (revision: number, usedSecond: number, loggedSecond: number): RecordedEvent => ({
    id: `u${revision}`, streamId: keyUsageStreamId(KEY), type: KEY_USED, schemaVersion: 1, data: { usedAt: at(usedSecond) }, metadata: {}, revision, position: ++position, recordedAt: at(loggedSecond),
  });
  return [lifecycle('KeyCreated', 0, 0), use(0, 1, 2), use(1, 2, 2), lifecycle('KeyRevoked', 1, 4), use(2, 3, 5)];
}

function storeOf(events: RecordedEvent[]): EventStore {
  return {
    readStream: async (streamId: string, page: StreamPage = {}) =>
      events.filter((e) => e.streamId === streamId && e.revision >= (page.fromRevision ?? 0)).slice(0, page.maxCount ?? Infinity),
  } as unknown as EventStore;
}

async function readAll(store: EventStore, limit: number, order?: KeyHistoryOrder): Promise<string[]> {
  const ids: string[] = [];
  let cursor: KeyHistoryCursor | null = HISTORY_START;
  while (cursor) {
    const page = await readKeyHistoryPage(store, KEY, limit, cursor, order);
    expect(page.events.length).toBeLessThanOrEqual(limit);
    ids.push(...page.events.map((e) => e.id));
    cursor = page.next;
  }
  return ids;
}

describe('readKeyHistoryPage', () => {
  it.each([1, 2, 3, 10])('lists by when events happened by default: a use made before the revocation comes before it (pages of %i)', async (limit) => {
    expect(await readAll(storeOf(log()), limit)).toEqual(['l0', 'u0', 'u1', 'u2', 'l1']);
  });

  it.each([1, 2, 10])('lists in log order with order=log (pages of %i)', async (limit) => {
    expect(await readAll(storeOf(log()), limit, 'log')).toEqual(['l0', 'u0', 'u1', 'l1', 'u2']);
  });

  it('breaks a tie in time by log position', async () => {
    const events = log();
    events[1].data.usedAt = events[0].recordedAt;
    expect(await readAll(storeOf(events), 1)).toEqual(['l0', 'u0', 'u1', 'u2', 'l1']);
  });

  it('never skips a use whose time is earlier than the one before it in its stream (several instances appending)', async () => {
    const events = log();
    events[2].data.usedAt = at(0);
    const listed = await readAll(storeOf(events), 1);
    expect([...listed].sort()).toEqual(['l0', 'l1', 'u0', 'u1', 'u2']);
  });
});
