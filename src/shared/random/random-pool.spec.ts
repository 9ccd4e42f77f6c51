import { pooledRandomBytes, randomHex } from './random-pool.js';

describe('random pool', () => {
  it('hands out the requested number of bytes, never the same ones twice, across refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const bytes = pooledRandomBytes(16);
      expect(bytes).toHaveLength(16);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(3000);
  });

  it('gives lowercase hex of twice the byte count', () => {
    expect(randomHex(16)).toMatch(/^[0-9a-f]{32}$/);
    expect(randomHex(3)).toMatch(/^[0-9a-f]{6}$/);
  });
});
