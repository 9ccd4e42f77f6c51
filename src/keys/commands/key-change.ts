import type { Actor } from '../domain/api-key-decider.js';
import type { ApiKeyView } from '../projection/api-key-view.js';

/** What a change to one key answers: where it is in the log and the key's new revision (its ETag). */
export interface KeyChanged {
  keyId: string;
  position: number;
  revision: number;
  /** Whether anything was appended (a disable of a disabled key appends nothing). */
  changed: boolean;
  /** The key as the change left it (at `revision`), folded from its stream: what the answer shows. */
  view: ApiKeyView;
}

/** Who asks for a change to which key. */
export interface KeyChangeRequest {
  keyId: string;
  accountId: string;
  /** Null: the operator CLI. */
  actor: Actor | null;
  requestId: string | null;
  /** The If-Match header when given: the change is refused (412) unless it names the key's current revision. */
  ifMatch?: string | null;
}
