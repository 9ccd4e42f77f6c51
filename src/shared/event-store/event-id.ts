import { pooledRandomBytes } from '../random/random-pool.js';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits: the id of an event.
 * Ids that grow with time keep a log's unique index on event ids append-only: random ids would dirty a
 * different index page with every insert, which is most of the cost of a large usage batch.
 */
export function timeOrderedId(nowMs = Date.now()): string {
  const random = pooledRandomBytes(10);
  random[0] = (random[0] & 0x0f) | 0x70; // version 7
  random[2] = (random[2] & 0x3f) | 0x80; // RFC 9562 variant
  const bits = random.toString('hex');
  return `${timePart(nowMs)}${bits.slice(0, 4)}-${bits.slice(4, 8)}-${bits.slice(8)}`;
}

let lastMs = -1;
let lastTimePart = '';

/** The id's first two groups and their dashes; ids made in the same millisecond (a busy verify path) share it. */
function timePart(nowMs: number): string {
  if (nowMs !== lastMs) {
    const time = nowMs.toString(16).padStart(12, '0').slice(-12);
    lastTimePart = `${time.slice(0, 8)}-${time.slice(8)}-`;
    lastMs = nowMs;
  }
  return lastTimePart;
}
