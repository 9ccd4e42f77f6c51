import { ServiceUnavailable } from '../shared/application/errors.js';
import type { UnreadableKeyEvent } from './api-key-event-codec.js';

const RETRY = 'Retry on an upgraded instance.';

/**
 * The key has an event this version cannot read (UnreadableKeyEvent): a newer version of the service wrote it, so
 * during a rolling upgrade an upgraded instance can answer. 503, not 401 or 409: the key may be valid, and the
 * request is not wrong; a balancer or gateway retries it elsewhere (docs/operations.md, "Upgrades").
 */
export class KeyChangedByNewerVersion extends ServiceUnavailable {
  /** Presented to authenticate or to be verified: refused, since its state is unknown here. */
  static whenAuthenticating(): KeyChangedByNewerVersion {
    return new KeyChangedByNewerVersion(`This key was changed by a newer version of the service; this instance cannot tell whether it is valid. ${RETRY}`);
  }

  /** A change other than a revocation (or any change, when the key's creation is what it cannot read). */
  static whenChanging(event: UnreadableKeyEvent): KeyChangedByNewerVersion {
    const what = event.revision === 0 ? 'created' : 'changed';
    const revocation = event.revision === 0 ? 'it cannot change it' : 'it can revoke the key, not change it otherwise';
    return new KeyChangedByNewerVersion(
      `This key was ${what} by a newer version of the service (${event.written}), which this instance cannot read: ${revocation}. ${RETRY}`,
    );
  }
}
