import { retryAfterMs } from './retry-after.js';

const NOW = Date.parse('2026-12-07T10:00:00.000Z');

describe('retryAfterMs', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs('20', NOW)).toBe(20_000);
    expect(retryAfterMs(' 0 ', NOW)).toBe(0);
  });

  it('reads an HTTP date as the time left until it, 0 once past', () => {
    expect(retryAfterMs('Mon, 07 Dec 2026 10:00:42 GMT', NOW)).toBe(42_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 09:59:00 GMT', NOW)).toBe(0);
  });

  it('is null for no header and for what is neither', () => {
    expect(retryAfterMs(null, NOW)).toBeNull();
    expect(retryAfterMs(undefined, NOW)).toBeNull();
    for (const text of ['', 'soon', '-5', '1.5', '1e3', 'Mon, 99 Foo 2026 10:00:00 GMT']) expect(retryAfterMs(text, NOW)).toBeNull();
  });
});
