import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 16 * 512;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `count` bytes from the CSPRNG, drawn from one pooled buffer: one system call per few hundred ids
 * instead of one per id. The view is overwritten when the pool refills, so use it at once.
 */
export function pooledRandomBytes(count: number): Buffer {
  if (offset + count > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + count);
  offset += count;
  return bytes;
}

/** `count` random bytes as lowercase hex. */
export function randomHex(count: number): string {
  return pooledRandomBytes(count).toString('hex');
}
