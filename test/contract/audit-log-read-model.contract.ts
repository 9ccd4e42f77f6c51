import { randomUUID } from 'node:crypto';
import { applyToAuditEntry, type AuditEntryView } from '../../src/keys/projection/audit-entry.js';
import { auditLogProjection } from '../../src/keys/projection/audit-log-projection.js';
import type { AuditLogReadModel } from '../../src/keys/projection/audit-log-read-model.port.js';
import { apiKeyStreamId } from '../../src/keys/domain/api-key-events.js';
import type { RecordedEvent } from '../../src/shared/event-store/event-store.port.js';
import { ViewProjection } from '../../src/shared/projections/view-projection.js';

export interface AuditLogReadModelFixture {
  readModel: AuditLogReadModel;
  cleanup(): Promise<void>;
}

const KEY_A = '550e8400-e29b-41d4-a716-446655440000';
const KEY_B = '660e8400-e29b-41d4-a716-446655440000';
const ADMIN = '770e8400-e29b-41d4-a716-446655440000';

/** A lifecycle event as the log holds it, at the next position of a log that starts at 1 for each test. */
function logOf() {
  let position = 0;
  const revisions = new Map<string, number>();
  return (type: string, keyId: string, data: Record<string, unknown>, metadata: Record<string, unknown> = {}): RecordedEvent => {
    const revision = revisions.get(keyId) ?? 0;
    revisions.set(keyId, revision + 1);
    position += 1;
    return {
      id: randomUUID(), streamId: apiKeyStreamId(keyId), type, schemaVersion: type === 'KeyCreated' ? 2 : 1, revision, position,
      data: { keyId, accountId: 'acct_a', actingKeyId: ADMIN, ...data }, metadata, recordedAt: new Date(Date.UTC(2026, 0, 1, 0, position)).toISOString(),
    };
  };
}

/** Every event of a key's life in one account, one change by another account, and what the service did by itself. */
function lifecycle(): RecordedEvent[] {
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
  const event = logOf();
  return [
    event('KeyCreated', KEY_A, { name: 'a', prefix: 'sk_Ab', secretHash: 'f'.repeat(64), createdAt: at(1), expiresAt: null }, { requestId: 'r1' }),
    event('KeyCreated', KEY_B, { accountId: 'acct_b', name: 'b', prefix: 'sk_Cd', secretHash: 'e'.repeat(64), createdAt: at(2) }),
    event('KeyUpdated', KEY_A, { updatedAt: at(3), changes: { name: 'a2' } }, { requestId: 'r2' }),
    event('KeyDisabled', KEY_A, { disabledAt: at(4), actingKeyId: null }),
    event('KeyEnabled', KEY_A, { enabledAt: at(5), actingKeyId: KEY_B }),
    event('KeyLeakReported', KEY_A, { reportedAt: at(6), actingKeyId: undefined, scanner: 'github', action: 'revoked' }, { reason: 'secret_scanning' }),
    event('KeyRevoked', KEY_A, { revokedAt: at(6), actingKeyId: null }, { reason: 'secret_scanning' }),
    event('KeyExpired', KEY_B, { accountId: 'acct_b', expiredAt: at(7), reason: 'expires_at', actingKeyId: undefined }),
  ].map((e) => ({ ...e, data: Object.fromEntries(Object.entries(e.data).filter(([, v]) => v !== undefined)) }));
}

const entriesOf = (events: RecordedEvent[]): AuditEntryView[] => events.map((e) => applyToAuditEntry(undefined, e)!);

/** Behaviour every audit log read model adapter must have. Each fixture starts empty. */
export function auditLogReadModelContract(name: string, open: () => Promise<AuditLogReadModelFixture>): void {
  describe(`AuditLogReadModel contract: ${name}`, () => {
    let fixture: AuditLogReadModelFixture;
    let readModel: AuditLogReadModel;

    beforeEach(async () => {
      fixture = await open();
      readModel = fixture.readModel;
    });
    afterEach(async () => fixture.cleanup());

    it('lists one account newest first, filtered by key, acting key, kind and time, and paged', async () => {
      const [created, foreign, updated, disabled, enabled, leaked, revoked, expired] = entriesOf(lifecycle());
      await readModel.save([created, foreign, updated, disabled, enabled, leaked, revoked, expired], 8);
      const ids = (page: { views: AuditEntryView[] }) => page.views.map((v) => v.entryId);

      const all = await readModel.list('acct_a', { limit: 10 });
      expect(ids(all)).toEqual([revoked, leaked, enabled, disabled, updated, created].map((v) => v.entryId));
      expect(all.hasMore).toBe(false);
      // As written: the event as logged (nulls included), less the hash.
      expect(all.views.at(-1)).toEqual(created);
      expect(created.event.data).toEqual(expect.objectContaining({ expiresAt: null, name: 'a' }));
      expect(JSON.stringify(all.views)).not.toContain('f'.repeat(64));

      expect(ids(await readModel.list('acct_a', { limit: 10, keyId: KEY_B }))).toEqual([]);
      expect(ids(await readModel.list('acct_b', { limit: 10, keyId: KEY_B }))).toEqual([expired.entryId, foreign.entryId]);
      expect(ids(await readModel.list('acct_a', { limit: 10, actorKeyId: ADMIN }))).toEqual([updated.entryId, created.entryId]);
      expect(ids(await readModel.list('acct_a', { limit: 10, actorKeyId: KEY_B }))).toEqual([enabled.entryId]);
      expect(ids(await readModel.list('acct_a', { limit: 10, type: 'KeyRevoked' }))).toEqual([revoked.entryId]);
      const window = { occurredGte: updated.occurredAt, occurredLt: enabled.occurredAt };
      expect(ids(await readModel.list('acct_a', { limit: 10, ...window }))).toEqual([disabled.entryId, updated.entryId]);
      expect(ids(await readModel.list('acct_a', { limit: 10, ...window, type: 'KeyDisabled', actorKeyId: ADMIN }))).toEqual([]);

      const first = await readModel.list('acct_a', { limit: 4 });
      expect(first.hasMore).toBe(true);
      const rest = await readModel.list('acct_a', { limit: 4, beforePosition: first.views[3].position });
      expect(rest).toEqual({ views: [updated, created], hasMore: false });

      expect(await readModel.findById('acct_a', foreign.entryId)).toBeNull();
      expect(await readModel.findById('acct_b', foreign.entryId)).toEqual(foreign);
      expect(await readModel.getCheckpoint()).toBe(8);
    });

    it('is rebuilt by a replay exactly as it was followed live, and an event seen again changes nothing', async () => {
      const events = lifecycle();
      const projection = new ViewProjection(auditLogProjection, readModel);
      expect(await projection.checkpoint()).toBeNull();
      for (let from = 0; from < events.length; from += 3) await projection.handle(events.slice(from, from + 3));
      const listing = async () => [await readModel.list('acct_a', { limit: 100 }), await readModel.list('acct_b', { limit: 100 })];
      const live = await listing();
      expect(live[0].views).toHaveLength(6);

      // A batch read again (a restart before its checkpoint) and the whole log again.
      await projection.handle(events.slice(3, 6));
      await projection.handle(events);
      expect(await listing()).toEqual(live);

      // A replay: emptied, then filled in bulk from the start of the log.
      expect(await projection.startOverWithin()).toBeNull();
      expect((await readModel.list('acct_a', { limit: 100 })).views).toEqual([]);
      projection.beginBulk();
      await projection.handle(events);
      await projection.endBulk();
      expect(await listing()).toEqual(live);
      expect(await readModel.getCheckpoint()).toBe(events.at(-1)!.position);
    });

    it('resets to empty for a rebuild', async () => {
      await readModel.save(entriesOf(lifecycle()), 3);
      await readModel.reset();
      expect(await readModel.getCheckpoint()).toBeNull();
      expect((await readModel.list('acct_a', { limit: 10 })).views).toEqual([]);
    });
  });
}
