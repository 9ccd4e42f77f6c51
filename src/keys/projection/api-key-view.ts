import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { fromRecordedEvent } from '../api-key-event-codec.js';
import type { KeyRateLimit } from '../domain/api-key-events.js';

/** One row of the redacted key listing, as the projection maintains it. */
export interface ApiKeyView {
  id: string;
  accountId: string;
  name: string | null;
  prefix: string;
  /** SHA-256 of the key, used only to authenticate; never leaves the service. */
  secretHash: string;
  status: 'active' | 'revoked';
  rateLimit: KeyRateLimit;
  createdAt: string;
  revokedAt: string | null;
  /** Global position of KeyCreated: the listing's newest-first order and cursor. */
  createdPosition: number;
  /** Stream revision of the last event applied; guards against applying an event twice. */
  revision: number;
}

/** Pure: the view after one more event of its stream. Events already applied change nothing. */
export function applyToApiKeyView(view: ApiKeyView | undefined, recorded: RecordedEvent): ApiKeyView | undefined {
  if (view && recorded.revision <= view.revision) return view;
  const event = fromRecordedEvent(recorded);
  switch (event.type) {
    case 'KeyCreated':
      return {
        id: event.data.keyId,
        accountId: event.data.accountId,
        name: event.data.name,
        prefix: event.data.prefix,
        secretHash: event.data.secretHash,
        status: 'active',
        rateLimit: event.data.rateLimit,
        createdAt: event.data.createdAt,
        revokedAt: null,
        createdPosition: recorded.position,
        revision: recorded.revision,
      };
    case 'KeyRevoked':
      if (!view) return view;
      return { ...view, status: 'revoked', revokedAt: event.data.revokedAt, revision: recorded.revision };
  }
}
