import { isoTimestamp } from './iso-timestamp.js';

describe('isoTimestamp', () => {
  const same = (ms: number) => expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());

  it('writes what toISOString writes, at the edges of seconds, days and years', () => {
    for (const ms of [
      0, 1, 999, 1000, 1001, -1, -999, -1000, -1001, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 2, 1),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1), -62_167_219_200_000, 253_402_300_799_999,
    ]) {
      same(ms);
    }
  });

  it('writes what toISOString writes for times in any order, the same second twice or not', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const now = Date.UTC(2026, 11, 3, 19, 0, 0);
    const wrong: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const ms = i % 3 === 0 ? now + Math.floor(random() * 5_000) : Math.floor((random() - 0.3) * 300_000_000_000_000);
      for (const at of [ms, ms + 1]) if (isoTimestamp(at) !== new Date(at).toISOString()) wrong.push(`${at}: ${isoTimestamp(at)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('leaves what it cannot write in the usual form to toISOString, and throws as it does for no time at all', () => {
    for (const ms of [-62_167_219_200_001, 253_402_300_800_000, 8.64e15, 1.5]) same(ms);
    expect(() => isoTimestamp(Number.NaN)).toThrow(RangeError);
  });
});
