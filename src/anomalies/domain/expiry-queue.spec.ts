import { seededRandom } from '../../../test/support/seeded-random.js';
import { type ExpiryDue, type ExpiryQueue, popDueExpiry, pushExpiry } from './expiry-queue.js';

describe('expiry queue', () => {
  it('gives nothing before the earliest entry is due, and that entry at its due time to the millisecond', () => {
    const queue: ExpiryQueue = [];
    pushExpiry(queue, { dueMs: 20, keyId: 'b', expiresAtMs: 30 });
    pushExpiry(queue, { dueMs: 10, keyId: 'a', expiresAtMs: 30 });
    expect(popDueExpiry(queue, 9)).toBeUndefined();
    expect(popDueExpiry(queue, 10)?.keyId).toBe('a');
    expect(popDueExpiry(queue, 19)).toBeUndefined();
    expect(popDueExpiry(queue, 25)?.keyId).toBe('b');
    expect(popDueExpiry(queue, Infinity)).toBeUndefined();
  });

  it('gives every entry due, earliest first, like a sorted list, over pushes and pops interleaved (200 seeded runs)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const queue: ExpiryQueue = [];
      let sorted: ExpiryDue[] = [];
      let nowMs = 0;
      for (let step = 0; step < 300; step++) {
        if (random() < 0.6) {
          // Ties included: many entries share a due time.
          const entry = { dueMs: nowMs + Math.floor(random() * 50), keyId: `k${step}`, expiresAtMs: 0 };
          pushExpiry(queue, entry);
          sorted.push(entry);
        } else {
          nowMs += Math.floor(random() * 20);
          const popped: number[] = [];
          for (let due = popDueExpiry(queue, nowMs); due !== undefined; due = popDueExpiry(queue, nowMs)) popped.push(due.dueMs);
          const expected = sorted.filter((entry) => entry.dueMs <= nowMs).map((entry) => entry.dueMs).sort((a, b) => a - b);
          sorted = sorted.filter((entry) => entry.dueMs > nowMs);
          expect({ seed, step, popped }).toEqual({ seed, step, popped: expected });
        }
      }
      expect(queue).toHaveLength(sorted.length);
    }
  });
});
