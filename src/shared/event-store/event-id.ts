import { pooledRandomBytes } from '../random/random-pool.js';

const hex = (bytes: Buffer, from: number, to: number) => bytes.toString('hex', from, to);

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits: the id of an event.
 * Ids that grow with time keep a log's unique index on event ids append-only: random ids would dirty a
 * different index page with every insert, which is most of the cost of a large usage batch.
 */
export function timeOrderedId(nowMs = Date.now()): string {
  const random = pooledRandomBytes(10);
  const time = nowMs.toString(16).padStart(12, '0').slice(-12);
  random[0] = (random[0] & 0x0f) | 0x70; // version 7
  random[2] = (random[2] & 0x3f) | 0x80; // RFC 9562 variant
  return `${time.slice(0, 8)}-${time.slice(8)}-${hex(random, 0, 2)}-${hex(random, 2, 4)}-${hex(random, 4, 10)}`;
}
