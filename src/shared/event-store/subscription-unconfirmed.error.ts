import { StoreUnavailableError } from '../storage/store-unavailable.error.js';

/**
 * The store accepted a subscription's call but did not confirm the subscription within its bound (EventStoreDB sends a
 * confirmation first, before any event: a server that never sends it would hold the projection, silent, for ever).
 * The subscription fails with it; the runner stays failing (readiness down, this message) until a later subscription is
 * confirmed (SubscriptionHandler.onConfirmed), whatever else answers meanwhile.
 */
export class SubscriptionUnconfirmedError extends StoreUnavailableError {
  constructor(store: string, withinMs: number) {
    super(store, new Error(`the subscription was not confirmed within ${withinMs} ms`));
    this.name = 'SubscriptionUnconfirmedError';
  }
}
