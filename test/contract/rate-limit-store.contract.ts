import { randomUUID } from 'node:crypto';
import type { RateLimitStore } from '../../src/shared/rate-limit/rate-limit-store.port.js';

export interface RateLimitStoreFixture {
  /** Two stores as two instances would open them: sharing state or not, as the technology does. */
  open(): Promise<{ first: RateLimitStore; second: RateLimitStore; cleanup(): Promise<void> }>;
  /** Whether the two stores count together (Redis) or each alone (in-process). */
  shared: boolean;
}

const admitted = async (store: RateLimitStore, subject: string, requests: number, limit = { requests: 5, perSeconds: 60 }) => {
  const decisions = [];
  for (let i = 0; i < requests; i++) decisions.push(await store.consume(subject, limit));
  return decisions;
};

/** What every rate-limit store does, whatever keeps the state. */
export function rateLimitStoreContract(name: string, fixture: RateLimitStoreFixture): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    let first: RateLimitStore;
    let second: RateLimitStore;
    let cleanup: () => Promise<void>;
    beforeAll(async () => ({ first, second, cleanup } = await fixture.open()));
    afterAll(() => cleanup());
    const subject = () => `key:${randomUUID()}`;

    it('admits exactly the limit in a burst, counting down, then refuses with when to retry', async () => {
      const decisions = await admitted(first, subject(), 7);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false]);
      expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
      expect(decisions[5]).toMatchObject({ limit: 5, retryAfterSeconds: 12, resetSeconds: 60 });
      expect(decisions[5].nextAllowedInMs).toBeGreaterThan(11_000);
      expect(decisions[5].nextAllowedInMs).toBeLessThanOrEqual(12_000);
    });

    it('keeps subjects apart', async () => {
      const a = subject();
      await admitted(first, a, 5);
      expect((await first.consume(a, { requests: 5, perSeconds: 60 })).allowed).toBe(false);
      expect((await first.consume(subject(), { requests: 5, perSeconds: 60 })).allowed).toBe(true);
    });

    // An emission interval of 500 ms: the burst and the refusal (three round trips) fit in it even on a loaded CI
    // machine, where 10 a second (100 ms for eleven round trips to Redis) once readmitted the refused request.
    it('readmits at the steady rate once an emission interval has passed', async () => {
      const s = subject();
      const limit = { requests: 2, perSeconds: 1 };
      await admitted(first, s, 2, limit);
      expect((await first.consume(s, limit)).allowed).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await first.consume(s, limit)).allowed).toBe(true);
    });

    it(fixture.shared ? 'counts every instance together' : 'counts each instance alone', async () => {
      const s = subject();
      const decisions = [];
      for (let i = 0; i < 10; i++) decisions.push(await (i % 2 === 0 ? first : second).consume(s, { requests: 5, perSeconds: 60 }));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(fixture.shared ? 5 : 10);
    });

    it('counts a limit that is no round number of milliseconds down by one from the first request', async () => {
      const limit = { requests: 7, perSeconds: 1 };
      const decisions = await admitted(first, subject(), 7, limit);
      expect(decisions.map((d) => d.remaining)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    });

    it('applies a changed limit at once to what was spent', async () => {
      const raised = subject();
      await admitted(first, raised, 1, { requests: 1, perSeconds: 86_400 });
      expect(await first.consume(raised, { requests: 1, perSeconds: 86_400 })).toMatchObject({ allowed: false });
      // Refused a moment ago at one a day; raised to a thousand a minute, the one spent counts as one of them.
      const afterRaise = await first.consume(raised, { requests: 1000, perSeconds: 60 });
      expect(afterRaise).toMatchObject({ allowed: true, limit: 1000 });
      expect(afterRaise.remaining).toBeGreaterThanOrEqual(998);
      const lowered = subject();
      await admitted(first, lowered, 10, { requests: 100, perSeconds: 60 });
      expect(await first.consume(lowered, { requests: 5, perSeconds: 60 })).toMatchObject({ allowed: false, remaining: 0 });
    });

    it('says whether it shares its decisions', () => {
      expect(first.sharing().mode).toBe(fixture.shared ? 'shared' : 'in-process');
    });
  });
}
