import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { Projection } from '../../shared/projections/projection.js';
import { fromRecordedEvent } from '../api-key-event-codec.js';
import { API_KEY_EVENT_TYPES, type KeyRateLimit } from '../domain/api-key-events.js';
import type { ApiKeyView } from '../projection/api-key-view.js';

export interface KnownKey {
  keyId: string;
  accountId: string;
  name: string | null;
  status: 'active' | 'revoked';
  rateLimit: KeyRateLimit;
}

const LOAD_PAGE = 5000;

export const KEY_TABLE = 'key-table';

/** The part of the key read model the table loads from. */
export interface KeyTableSource {
  getCheckpoint(): Promise<number | null>;
  scan(afterId: string | null, limit: number): Promise<ApiKeyView[]>;
}

/**
 * Every key by the SHA-256 of its secret, in process memory: authentication and verification
 * answer from here with no store call. Loaded from the read model, then kept current as a
 * projection of the log from the read model's checkpoint. Revoked keys stay, marked, so the
 * verify endpoint can say REVOKED.
 */
export class KeyTable implements Projection {
  readonly name = KEY_TABLE;
  readonly eventTypes = API_KEY_EVENT_TYPES;
  private readonly byHash = new Map<string, KnownKey>();
  private readonly hashById = new Map<string, string>();
  private position: number | null = null;
  private active = 0;

  constructor(private readonly source: KeyTableSource) {}

  /** Keys that authenticate: every key the table knows but the revoked ones. */
  get activeKeys(): number {
    return this.active;
  }

  lookup(secretHash: string): KnownKey | undefined {
    return this.byHash.get(secretHash);
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
      for (const view of page) {
        this.put(view.secretHash, {
          keyId: view.id,
          accountId: view.accountId,
          name: view.name,
          status: view.status,
          rateLimit: view.rateLimit,
        });
      }
      if (page.length < LOAD_PAGE) return this.position;
      afterId = page[page.length - 1].id;
    }
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    for (const recorded of events) {
      const event = fromRecordedEvent(recorded);
      if (event.type === 'KeyCreated') {
        const { keyId, accountId, name, rateLimit, secretHash } = event.data;
        this.put(secretHash, { keyId, accountId, name, rateLimit, status: 'active' });
      } else {
        const hash = this.hashById.get(event.data.keyId);
        const known = hash ? this.byHash.get(hash) : undefined;
        if (known?.status === 'active') this.active--;
        if (known) known.status = 'revoked';
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

  private put(secretHash: string, key: KnownKey): void {
    if (this.byHash.get(secretHash)?.status === 'active') this.active--;
    if (key.status === 'active') this.active++;
    this.byHash.set(secretHash, key);
    this.hashById.set(key.keyId, secretHash);
  }
}
