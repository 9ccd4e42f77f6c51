import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { KEY_USED } from '../../usage/domain/key-used.js';
import { apiKeyStreamId } from '../domain/api-key-events.js';
import { applyToAuditEntry, auditActorOf } from './audit-entry.js';
import { auditLogProjection } from './audit-log-projection.js';

const KEY = '6f1c2a4e-0000-4000-8000-000000000001';
const ADMIN = '6f1c2a4e-0000-4000-8000-000000000002';

function event(type: string, data: Record<string, unknown>, metadata: Record<string, unknown> = {}): RecordedEvent {
  return {
    id: '0190b6e2-0000-7000-8000-000000000001', streamId: apiKeyStreamId(KEY), type, schemaVersion: 1, revision: 3, position: 42,
    data: { keyId: KEY, accountId: 'acme', ...data }, metadata, recordedAt: '2026-12-07T10:00:05.000Z',
  };
}

describe('the audit log entry of a lifecycle event', () => {
  it('names who made it: a key, the operator CLI, or the service with its reason', () => {
    expect(auditActorOf(event('KeyUpdated', { actingKeyId: ADMIN }))).toEqual({ type: 'api_key', keyId: ADMIN, reason: null });
    expect(auditActorOf(event('KeyRevoked', { actingKeyId: null }))).toEqual({ type: 'operator', keyId: null, reason: null });
    expect(auditActorOf(event('KeyExpired', { reason: 'grace_ended' }))).toEqual({ type: 'system', keyId: null, reason: 'grace_ended' });
    expect(auditActorOf(event('KeyLeakReported', { action: 'revoked' }))).toEqual({ type: 'system', keyId: null, reason: 'secret_scanning' });
    expect(auditActorOf(event('KeyRevoked', { actingKeyId: null }, { reason: 'secret_scanning' }))).toEqual({ type: 'system', keyId: null, reason: 'secret_scanning' });
    expect(auditActorOf(event('KeyRevoked', { actingKeyId: null }, { reason: 'roll_not_recorded' }))).toEqual({ type: 'system', keyId: null, reason: 'roll_not_recorded' });
  });

  it('keeps the event as logged without the secret hash, at its id, key, account, actor, time and position', () => {
    const created = event('KeyCreated', { createdAt: '2026-12-07T10:00:00Z', secretHash: 'a'.repeat(64), prefix: 'sk_Ab', name: null, actingKeyId: ADMIN }, { requestId: 'r1' });
    const entry = applyToAuditEntry(undefined, created)!;
    expect(entry).toMatchObject({ entryId: created.id, accountId: 'acme', keyId: KEY, type: 'KeyCreated', actorKeyId: ADMIN, position: 42, revision: 3 });
    // Normalised to toISOString, so that the stores compare times as text.
    expect(entry.occurredAt).toBe('2026-12-07T10:00:00.000Z');
    expect(entry.event.data).toEqual({ keyId: KEY, accountId: 'acme', createdAt: '2026-12-07T10:00:00Z', prefix: 'sk_Ab', name: null, actingKeyId: ADMIN });
    expect(entry.event.metadata).toEqual({ requestId: 'r1' });
    expect(JSON.stringify(entry)).not.toContain('a'.repeat(64));
    expect(created.data.secretHash).toBe('a'.repeat(64));
  });

  it('is written once: the event seen again leaves the entry as it was', () => {
    const first = applyToAuditEntry(undefined, event('KeyDisabled', { disabledAt: '2026-12-07T10:00:00.000Z', actingKeyId: null }))!;
    expect(applyToAuditEntry(first, event('KeyDisabled', { disabledAt: '2026-12-07T11:00:00.000Z', actingKeyId: ADMIN }))).toBe(first);
  });

  it('makes no entry of an event that names no account: no account could be shown it', () => {
    expect(applyToAuditEntry(undefined, event('KeyRevoked', { accountId: undefined }))).toBeUndefined();
  });

  it('follows lifecycle events only, never a use', () => {
    expect(auditLogProjection.eventTypes).toContain('KeyRolled');
    expect(auditLogProjection.eventTypes).not.toContain(KEY_USED);
  });
});
