import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { Projection } from '../../shared/projections/projection.js';
import { fromRecordedEvent } from '../api-key-event-codec.js';
import { effectiveExpiry } from '../domain/api-key-decider.js';
import { API_KEY_EVENT_TYPES, type KeyRateLimit } from '../domain/api-key-events.js';
import type { ApiKeyView, KeyRotationView } from '../projection/api-key-view.js';
import { AddressMatcher } from './address-matcher.js';

export interface KnownKey {
  keyId: string;
  accountId: string;
  name: string | null;
  /** As the key's events leave it; a key past `endsAtMs` is expired whatever this says. */
  status: 'active' | 'expired' | 'revoked';
  disabled: boolean;
  rateLimit: KeyRateLimit;
  permissions: string[];
  allowedIps: string[];
  /** Null: usable from anywhere. */
  addresses: AddressMatcher | null;
  expiresAt: string | null;
  /** When the key stops working by time (its expiry or the grace end of a roll); Infinity for never. */
  endsAtMs: number;
  /** The end as text (expires_at as verify answers it): null for never. */
  endsAt: string | null;
  rotation: KeyRotationView | null;
}

const LOAD_PAGE = 5000;

export const KEY_TABLE = 'key-table';

/** The part of the key read model the table loads from. */
export interface KeyTableSource {
  getCheckpoint(): Promise<number | null>;
  scan(afterId: string | null, limit: number): Promise<ApiKeyView[]>;
}

function known(view: Omit<ApiKeyView, 'secretHash' | 'prefix' | 'createdAt' | 'createdPosition' | 'revision' | 'revokedAt' | 'expiredAt' | 'rolledFromKeyId'>): KnownKey {
  return {
    keyId: view.id,
    accountId: view.accountId,
    name: view.name,
    status: view.status === 'disabled' ? 'active' : view.status,
    disabled: view.disabled,
    rateLimit: view.rateLimit,
    permissions: view.permissions,
    allowedIps: view.allowedIps,
    addresses: view.allowedIps.length === 0 ? null : new AddressMatcher(view.allowedIps),
    expiresAt: view.expiresAt,
    endsAtMs: view.endsAt === null ? Infinity : Date.parse(view.endsAt),
    endsAt: view.endsAt,
    rotation: view.rotation,
  };
}

/**
 * Every key by the SHA-256 of its secret, in process memory: authentication and verification
 * answer from here with no store call, expiry, disabling, permissions and addresses included. Loaded
 * from the read model, then kept current as a projection of the log from the read model's checkpoint.
 * Revoked and expired keys stay, marked, so the verify endpoint can say why.
 */
export class KeyTable implements Projection {
  readonly name = KEY_TABLE;
  readonly eventTypes = API_KEY_EVENT_TYPES;
  private readonly byHash = new Map<string, KnownKey>();
  private readonly hashById = new Map<string, string>();
  private position: number | null = null;
  private active = 0;

  constructor(private readonly source: KeyTableSource) {}

  /** Keys that authenticate: every key the table knows but the revoked and expired ones. */
  get activeKeys(): number {
    return this.active;
  }

  lookup(secretHash: string): KnownKey | undefined {
    return this.byHash.get(secretHash);
  }

  byId(keyId: string): KnownKey | undefined {
    const hash = this.hashById.get(keyId);
    return hash === undefined ? undefined : this.byHash.get(hash);
  }

  /** Keys that will end by time and have not yet been marked expired: what the expiry scheduler watches. */
  *ending(): Iterable<KnownKey> {
    for (const key of this.byHash.values()) {
      if (key.status === 'active' && (key.endsAtMs !== Infinity || key.rotation?.closeWhenIdleSeconds != null)) yield key;
    }
  }

  /**
   * Loads the table when its runner starts: reads the read model's checkpoint first, then its views. The
   * views are at least that fresh, and following the log from the checkpoint re-applies, in order, anything
   * they already include.
   */
  async checkpoint(): Promise<number | null> {
    this.position = await this.source.getCheckpoint();
    let afterId: string | null = null;
    for (;;) {
      const page = await this.source.scan(afterId, LOAD_PAGE);
      for (const view of page) this.put(view.secretHash, known(view));
      if (page.length < LOAD_PAGE) return this.position;
      afterId = page[page.length - 1].id;
    }
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    for (const recorded of events) {
      const event = fromRecordedEvent(recorded);
      if (event.type === 'KeyCreated') {
        const { data } = event;
        this.put(
          data.secretHash,
          known({ ...data, id: data.keyId, status: 'active', disabled: false, endsAt: data.expiresAt, rotation: null }),
        );
        continue;
      }
      const key = this.byId(event.data.keyId);
      if (!key) continue;
      switch (event.type) {
        case 'KeyRevoked':
          this.setStatus(key, 'revoked');
          break;
        case 'KeyExpired':
          if (key.status === 'active') this.setStatus(key, 'expired');
          break;
        case 'KeyDisabled':
          key.disabled = true;
          break;
        case 'KeyEnabled':
          key.disabled = false;
          break;
        case 'KeyUpdated': {
          const { changes } = event.data;
          if (changes.name !== undefined) key.name = changes.name;
          if (changes.rateLimit !== undefined) key.rateLimit = changes.rateLimit;
          if (changes.permissions !== undefined) key.permissions = changes.permissions;
          if (changes.allowedIps !== undefined) {
            key.allowedIps = changes.allowedIps;
            key.addresses = changes.allowedIps.length === 0 ? null : new AddressMatcher(changes.allowedIps);
          }
          if (changes.expiresAt !== undefined) key.expiresAt = changes.expiresAt;
          this.setEnd(key);
          break;
        }
        case 'KeyRolled': {
          const { successorKeyId, rolledAt, graceEndsAt, closeWhenIdleSeconds } = event.data;
          key.rotation = { successorKeyId, rolledAt, graceEndsAt, closeWhenIdleSeconds };
          this.setEnd(key);
          break;
        }
      }
    }
    this.position = events[events.length - 1].position;
  }

  async saveCheckpoint(position: number): Promise<void> {
    this.position = position;
  }

  async reset(): Promise<void> {
    this.byHash.clear();
    this.hashById.clear();
    this.position = null;
    this.active = 0;
  }

  private setEnd(key: KnownKey): void {
    key.endsAt = effectiveExpiry({ expiresAt: key.expiresAt, rolled: key.rotation });
    key.endsAtMs = key.endsAt === null ? Infinity : Date.parse(key.endsAt);
  }

  private setStatus(key: KnownKey, status: KnownKey['status']): void {
    if (key.status === 'active' && status !== 'active') this.active--;
    key.status = status;
  }

  private put(secretHash: string, key: KnownKey): void {
    if (this.byHash.get(secretHash)?.status === 'active') this.active--;
    if (key.status === 'active') this.active++;
    this.byHash.set(secretHash, key);
    this.hashById.set(key.keyId, secretHash);
  }
}
