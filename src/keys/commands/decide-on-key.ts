import { fold } from '../../shared/domain/decider.js';
import { decideAndAppend } from '../../shared/event-store/decide-and-append.js';
import type { EventStore, EventToAppend, RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { readKeyHistory, toEventToAppend, type UnreadableKeyEvent } from '../api-key-event-codec.js';
import { type ApiKeyCommand, type ApiKeyState, apiKeyDecider } from '../domain/api-key-decider.js';
import { KeyNotFound } from '../domain/api-key-errors.js';
import { type ApiKeyEvent, apiKeyStreamId } from '../domain/api-key-events.js';
import { KeyChangedByNewerVersion } from '../key-changed-by-newer-version.js';
import { type ApiKeyView, foldApiKeyView } from '../projection/api-key-view.js';
import { requireIfMatch } from './if-match.js';

export interface KeyDecision {
  /** What was appended (nothing when the command changed nothing). */
  events: ApiKeyEvent[];
  /** The key's state before the decision. */
  before: ApiKeyState;
  /** Global position of the last appended event, or of the stream's last event when nothing was appended. */
  position: number;
  /** The stream's revision after the decision: the key's ETag. */
  revision: number;
  /** The key's view at that revision, folded as the key-view projection folds it: a change's answer reads no view. */
  view: ApiKeyView;
}

/**
 * Loads a key's stream, decides the command on its state and appends with the revision it read. With
 * `ifMatch`, a key whose current revision it does not name is refused with 412 and nothing is appended. The
 * command is decided first: another account's key is not found and an invalid change is refused as such,
 * whatever the If-Match, so a 412 says only that the key changed.
 *
 * `command` is called once per attempt, after the stream is read: a change reads the clock there, so it is dated no
 * earlier than the events it was decided after (a time read before waiting for the stream, or kept across a retry,
 * dated a revocation before the roll it followed: decision-instant.spec.ts).
 */
export async function decideOnKey(
  store: EventStore,
  keyId: string,
  command: (state: ApiKeyState) => ApiKeyCommand,
  options: { requestId: string | null; accountId?: string; ifMatch?: string | null; reason?: string },
): Promise<KeyDecision> {
  let events: ApiKeyEvent[] = [];
  let before: ApiKeyState = apiKeyDecider.initialState();
  const outcome = await decideAndAppend(store, apiKeyStreamId(keyId), (history) => {
    const { events: readable, unreadable } = readKeyHistory(history);
    before = fold(apiKeyDecider, readable);
    const decided = command(before);
    if (unreadable !== null) refuseUnlessRevocation(before, decided, unreadable);
    if (options.ifMatch != null && (before.status === 'absent' || before.accountId !== options.accountId)) throw new KeyNotFound(keyId);
    events = apiKeyDecider.decide(before, decided);
    requireIfMatch(options.ifMatch, history[history.length - 1]?.revision ?? -1);
    const metadata = { requestId: options.requestId, ...(options.reason ? { reason: options.reason } : {}) };
    return events.map((event) => toEventToAppend(event, metadata));
  });
  const last = outcome.history[outcome.history.length - 1];
  const revision = (last?.revision ?? -1) + events.length;
  const position = outcome.position ?? last?.position ?? 0;
  return { events, before, position, revision, view: viewAfterAppend(keyId, outcome.history, outcome.appended, position) };
}

/**
 * A key with an event this version cannot read (a newer version wrote it) is decided on the events it can read, for a
 * revocation only. A revocation is safe so: KeyRevoked ends a key for good in every version (no event brings a key
 * back), it is appended at the stream's revision as read, after what the newer version wrote, and every version reads
 * it (a newer one reads the older versions of an event, as this one upcasts KeyCreated 1). It only takes access away.
 * Any other change would be decided on a state that may lack what the newer version changed (an expiry moved, a
 * permission taken away): refused, with 503, so the caller retries on an upgraded instance. Another account's key is
 * not found, as always.
 */
export function refuseUnlessRevocation(state: ApiKeyState, command: ApiKeyCommand, unreadable: UnreadableKeyEvent): void {
  if (state.status !== 'absent' && 'accountId' in command && state.accountId !== command.accountId) throw new KeyNotFound(command.keyId);
  if (state.status === 'absent' || command.type !== 'RevokeApiKey') throw KeyChangedByNewerVersion.whenChanging(unreadable);
}

/**
 * The key's view once `appended` followed its `history` at `position`, folded as the key-view projection folds it:
 * a change's answer reads no view. The decider refuses every command but a creation on a key without events, so a
 * decision always has a view.
 */
export function viewAfterAppend(keyId: string, history: readonly RecordedEvent[], appended: readonly EventToAppend[], position: number): ApiKeyView {
  const after = history[history.length - 1]?.revision ?? -1;
  const recorded = appended.map((event, index) => asRecorded(event, { streamId: apiKeyStreamId(keyId), revision: after + 1 + index, position }));
  const view = foldApiKeyView([...history, ...recorded]);
  if (!view) throw new KeyNotFound(keyId);
  return view;
}

/**
 * An appended event as the log gives it back (decide-on-key.spec.ts holds the fold of these to the fold of the
 * stream read back). Only a KeyCreated's position is folded into a view (the listing's order), and a creation is
 * the one event of its decision, so the last appended event's position stands for each of them.
 */
function asRecorded(event: EventToAppend, at: { streamId: string; revision: number; position: number }): RecordedEvent {
  return {
    id: event.id ?? '',
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata ?? {},
    recordedAt: '',
    ...at,
  };
}
