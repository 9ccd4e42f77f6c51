import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { channelOf, closeRedis, subscribeUntilDone } from './redis-connection.js';

export const APPEND_CHANNEL = 'parsesphere:log-appended';

/** A nudge: the sender, then the event types it appended, separated by spaces (types hold none). */
export function nudgeMessage(sender: string, types: Iterable<string>): string {
  return [sender, ...types].join(' ');
}

/** A nudge as sent; one without types (an older instance's) wakes every subscription. */
export function parseNudge(message: string): { sender: string; types: string[] | undefined } {
  const [sender, ...types] = message.split(' ');
  return { sender, types: types.length > 0 ? types : undefined };
}

/**
 * For a polling event store (the embedded log) shared by several instances: after each append this instance
 * publishes a nudge, and on another instance's nudge the subscriptions that read the types it appended read the log
 * at once instead of at their next poll. The log stays the only source of truth: the message carries nothing but
 * the sender and those types, so a lost or late nudge costs latency (up to the poll interval), never correctness.
 */
export class RedisAppendFanOut {
  readonly instanceId = randomUUID();
  private readonly channel: string;
  private unsubscribeFromAppends: (() => void) | null = null;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly store: EventStore,
    /** Redis refused the SUBSCRIBE on a ready connection (an ACL without the channels). */
    private readonly subscribeRefused: (error: unknown) => void = () => undefined,
  ) {
    this.channel = channelOf(publisher, APPEND_CHANNEL);
  }

  /** Does nothing for a store that pushes (EventStoreDB): its subscriptions need no nudge. */
  async start(): Promise<void> {
    if (!this.store.onAppended || !this.store.wakeSubscriptions) return;
    const wake = this.store.wakeSubscriptions.bind(this.store);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const nudge = parseNudge(message);
      if (nudge.sender !== this.instanceId) wake(nudge.types);
    });
    // Queued until connected, sent again if the first connection fails, and renewed by ioredis after every reconnect.
    subscribeUntilDone(this.subscriber, [this.channel], this.subscribeRefused);
    this.unsubscribeFromAppends = this.store.onAppended((types) => {
      // Fails at once while Redis is down (no offline queue): the others then see the append at their next poll.
      this.publisher.publish(this.channel, nudgeMessage(this.instanceId, types)).catch(() => undefined);
    });
  }

  async close(): Promise<void> {
    this.unsubscribeFromAppends?.();
    await Promise.all([closeRedis(this.publisher), closeRedis(this.subscriber)]);
  }
}
