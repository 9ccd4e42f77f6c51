import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { readKeyEvent, UnreadableKeyEvent } from '../api-key-event-codec.js';
import { effectiveExpiry } from '../domain/api-key-decider.js';
import type { KeyRateLimit } from '../domain/api-key-events.js';

/** A key's lifecycle as its events leave it; `expired` by time alone is told at read time (keyStatusAt). */
export type StoredKeyStatus = 'active' | 'disabled' | 'expired' | 'revoked';
export const KEY_STATUSES = ['active', 'disabled', 'expired', 'revoked'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** The roll of an old key: its successor, when the old key's grace ends, and the idle rule. */
export interface KeyRotationView {
  successorKeyId: string;
  rolledAt: string;
  graceEndsAt: string;
  closeWhenIdleSeconds: number | null;
}

/** One row of the redacted key listing, as the projection maintains it. */
export interface ApiKeyView {
  id: string;
  accountId: string;
  name: string | null;
  prefix: string;
  /** SHA-256 of the key, used only to authenticate; never leaves the service. */
  secretHash: string;
  status: StoredKeyStatus;
  rateLimit: KeyRateLimit;
  createdAt: string;
  revokedAt: string | null;
  permissions: string[];
  allowedIps: string[];
  expiresAt: string | null;
  disabled: boolean;
  /** When the key stopped working by its KeyExpired event; null before it. */
  expiredAt: string | null;
  /** When the key stops working by time alone: its expiry or its grace end, whichever is first (null: never). */
  endsAt: string | null;
  rolledFromKeyId: string | null;
  rotation: KeyRotationView | null;
  /** Global position of KeyCreated: the listing's newest-first order and cursor (log order, which createdAt may not follow across instances). */
  createdPosition: number;
  /** Stream revision of the last event applied; guards against applying an event twice. */
  revision: number;
  /**
   * The revision of the key's first event that this version could not read (written by a newer one: an
   * UnreadableKeyEvent), null when it read them all. The view holds the events it could read, before and after;
   * what that one changed is unknown, so the key is refused while it is set (the key table), and a version
   * that loads such a view folds the key's stream again (it may read it).
   */
  unreadableSince: number | null;
}

/** The status a reader sees at `now`: an active or disabled key past its end is expired, event or not. */
export function keyStatusAt(view: Pick<ApiKeyView, 'status' | 'endsAt'>, now: Date): KeyStatus {
  if ((view.status === 'active' || view.status === 'disabled') && view.endsAt !== null && Date.parse(view.endsAt) <= now.getTime()) {
    return 'expired';
  }
  return view.status;
}

/** Pure: the view after one more event of its stream. Events already applied change nothing. */
export function applyToApiKeyView(view: ApiKeyView | undefined, recorded: RecordedEvent): ApiKeyView | undefined {
  if (view && recorded.revision <= view.revision) return view;
  const event = readKeyEvent(recorded);
  // A key's creation this version cannot read leaves no key here: refused as unknown.
  if (event instanceof UnreadableKeyEvent) return view && { ...view, unreadableSince: view.unreadableSince ?? recorded.revision, revision: recorded.revision };
  if (event.type === 'KeyCreated') {
    const { data } = event;
    return {
      id: data.keyId,
      accountId: data.accountId,
      name: data.name,
      prefix: data.prefix,
      secretHash: data.secretHash,
      status: 'active',
      rateLimit: data.rateLimit,
      createdAt: data.createdAt,
      revokedAt: null,
      permissions: data.permissions,
      allowedIps: data.allowedIps,
      expiresAt: data.expiresAt,
      disabled: false,
      expiredAt: null,
      endsAt: data.expiresAt,
      rolledFromKeyId: data.rolledFromKeyId,
      rotation: null,
      createdPosition: recorded.position,
      revision: recorded.revision,
      unreadableSince: null,
    };
  }
  if (!view) return view;
  const revision = recorded.revision;
  switch (event.type) {
    case 'KeyRevoked':
      return { ...view, status: 'revoked', revokedAt: event.data.revokedAt, revision };
    case 'KeyUpdated': {
      const next = { ...view, ...event.data.changes, revision };
      return { ...next, endsAt: effectiveExpiry({ expiresAt: next.expiresAt, rolled: next.rotation }) };
    }
    case 'KeyDisabled':
      return { ...view, disabled: true, status: view.status === 'active' ? 'disabled' : view.status, revision };
    case 'KeyEnabled':
      return { ...view, disabled: false, status: view.status === 'disabled' ? 'active' : view.status, revision };
    case 'KeyRolled': {
      const { successorKeyId, rolledAt, graceEndsAt, closeWhenIdleSeconds } = event.data;
      const rotation = { successorKeyId, rolledAt, graceEndsAt, closeWhenIdleSeconds };
      return { ...view, rotation, endsAt: effectiveExpiry({ expiresAt: view.expiresAt, rolled: rotation }), revision };
    }
    case 'KeyExpired':
      return { ...view, status: view.status === 'revoked' ? 'revoked' : 'expired', expiredAt: event.data.expiredAt, revision };
    case 'KeySecretReissued':
      return { ...view, prefix: event.data.prefix, secretHash: event.data.secretHash, revision };
    // What the report did is its own event (KeyRevoked, KeyDisabled), appended with it; the report itself is read from the history.
    case 'KeyLeakReported':
      return { ...view, revision };
  }
}

/** The view a key's stream folds to, oldest event first (undefined for an empty stream). */
export function foldApiKeyView(stream: readonly RecordedEvent[]): ApiKeyView | undefined {
  let view: ApiKeyView | undefined;
  for (const recorded of stream) view = applyToApiKeyView(view, recorded);
  return view;
}
