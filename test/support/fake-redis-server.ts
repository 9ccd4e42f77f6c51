import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { HEARTBEAT_SCRIPT } from '../../src/infrastructure/redis/redis-revocation-confirmations.js';

/**
 * Stands in for one Redis server as the pub/sub users see it: hashes per database, and pub/sub server-wide,
 * whatever the database (as Redis does). Messages are delivered asynchronously, like a round trip. Its clock (TIME,
 * the heartbeat script) is its own: a test that moves Date.now() does not move it; advance() does.
 */
export class FakeRedisServer {
  private clockOffsetMs = 0;
  /** A replica's refusal of writes (a failover left this address a replica): the heartbeat's HSET is refused. */
  readOnly = false;
  private readonly hashes = new Map<number, Map<string, Map<string, string>>>();
  private readonly subscribers: FakeRedisConnection[] = [];

  connect(db = 0): Redis {
    return new FakeRedisConnection(this, db) as unknown as Redis;
  }

  hash(db: number, key: string): Map<string, string> {
    let byKey = this.hashes.get(db);
    if (!byKey) this.hashes.set(db, (byKey = new Map()));
    let hash = byKey.get(key);
    if (!hash) byKey.set(key, (hash = new Map()));
    return hash;
  }

  /** The server's clock in ms, as TIME gives it. */
  now(): number {
    return Math.floor(performance.timeOrigin + performance.now()) + this.clockOffsetMs;
  }

  /** Moves the server's clock on, as if that much time had passed with nothing written. */
  advance(ms: number): void {
    this.clockOffsetMs += ms;
  }

  subscribe(connection: FakeRedisConnection): void {
    if (!this.subscribers.includes(connection)) this.subscribers.push(connection);
  }

  publish(channel: string, message: string): number {
    const receivers = this.subscribers.filter((s) => s.channels.has(channel));
    for (const receiver of receivers) setImmediate(() => receiver.emit('message', channel, message));
    return receivers.length;
  }
}

class FakeRedisConnection extends EventEmitter {
  status = 'ready';
  readonly channels = new Set<string>();
  readonly options: { db: number };

  constructor(
    private readonly server: FakeRedisServer,
    db: number,
  ) {
    super();
    this.options = { db };
  }

  async time(): Promise<[string, string]> {
    const now = this.server.now();
    return [String(Math.floor(now / 1000)), String((now % 1000) * 1000)];
  }

  /** Only the scripts this fake knows, run as Redis would. */
  defineCommand(name: string, definition: { lua: string }): void {
    if (definition.lua !== HEARTBEAT_SCRIPT) throw new Error(`FakeRedisServer does not run the script of ${name}`);
    Object.assign(this, {
      [name]: async (key: string, field: string, forgetAfterMs: string) => {
        const now = this.server.now();
        await this.hset(key, field, String(now));
        // Its entries older than that dropped (the hash's TTL is not kept: nothing here expires).
        const hash = this.server.hash(this.options.db, key);
        for (const [id, at] of hash) if (now - Number(at) > Number(forgetAfterMs)) hash.delete(id);
        return 1;
      },
    });
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return Object.fromEntries(this.server.hash(this.options.db, key));
  }

  async hset(key: string, field: string, value: string): Promise<number> {
    if (this.server.readOnly) throw Object.assign(new Error("READONLY You can't write against a read only replica."), { name: 'ReplyError' });
    this.server.hash(this.options.db, key).set(field, value);
    return 1;
  }

  async hdel(key: string, ...fields: string[]): Promise<number> {
    const hash = this.server.hash(this.options.db, key);
    return fields.filter((field) => hash.delete(field)).length;
  }

  async publish(channel: string, message: string): Promise<number> {
    return this.server.publish(channel, message);
  }

  async subscribe(...channels: string[]): Promise<number> {
    for (const channel of channels) this.channels.add(channel);
    this.server.subscribe(this);
    return this.channels.size;
  }

  async quit(): Promise<'OK'> {
    this.disconnect();
    return 'OK';
  }

  disconnect(): void {
    this.status = 'end';
    this.channels.clear();
  }
}
