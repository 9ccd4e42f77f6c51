import { jest } from '@jest/globals';
import { FakeRedisServer } from '../../../test/support/fake-redis-server.js';
import { CONFIRMATION_KEYS, RedisRevocationConfirmations } from './redis-revocation-confirmations.js';

describe('RedisRevocationConfirmations', () => {
  let server: FakeRedisServer;
  const opened: RedisRevocationConfirmations[] = [];
  const never = () => new Promise<void>(() => undefined);
  const instance = async (db: number, inForce: (position: number) => Promise<void>) => {
    const confirmations = new RedisRevocationConfirmations(server.connect(db), server.connect(db), inForce, 100);
    await confirmations.start();
    opened.push(confirmations);
    return confirmations;
  };

  beforeEach(() => {
    server = new FakeRedisServer();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
  });

  it('counts no answer from another deployment on another database of the same Redis', async () => {
    const askedOfA: number[] = [];
    await instance(0, async (position) => void askedOfA.push(position)); // deployment A, on /0
    const asker = await instance(1, async () => undefined); // deployment B, on /1
    await instance(1, never); // B's other instance, frozen: never answers

    expect(await asker.confirm(7)).toEqual({ confirmed: 0, live: 1 });
    // Pub/sub ignores the database: without channels apart per database, A would have been asked too.
    expect(askedOfA).toEqual([]);
  });

  it('counts only answers from the live instances it asked, not from one whose heartbeat is stale', async () => {
    const asker = await instance(0, async () => undefined);
    await instance(0, never); // live, frozen
    const stale = await instance(0, async () => undefined); // answers, but its heartbeat is old
    server.hash(0, CONFIRMATION_KEYS.registry).set(stale.instanceId, String(Date.now() - 10_000));

    expect(await asker.confirm(3)).toEqual({ confirmed: 0, live: 1 });
  });

  it('counts the live instances of its own deployment that answer', async () => {
    const asker = await instance(2, async () => undefined);
    await instance(2, async () => undefined);
    await instance(2, async () => undefined);
    expect(await asker.confirm(1)).toEqual({ confirmed: 2, live: 2 });
  });

  it('reports nothing while Redis refuses the heartbeats (a read-only replica), not every other instance dead', async () => {
    const asker = await instance(6, async () => undefined);
    await instance(6, async () => undefined);
    server.readOnly = true;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a beat refused
    server.advance(10_000); // every beat old: none could be written
    // Before: { confirmed: 0, live: 0 }, beside an instance that hears and answers the question.
    expect(await asker.confirm(8)).toBeNull();
    server.readOnly = false;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a beat written again (promoted)
    expect(await asker.confirm(9)).toEqual({ confirmed: 1, live: 1 });
  });

  it('waits no longer than its wait for an instance that does not answer when the clock steps back meanwhile', async () => {
    const asker = await instance(5, async () => undefined);
    await instance(5, never);
    const realNow = Date.now.bind(Date);
    const asked = asker.confirm(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 3_600_000); // NTP steps the clock back an hour
    try {
      const late = new Promise((resolve) => setTimeout(() => resolve('still waiting after 2 s'), 2000));
      expect(await Promise.race([asked, late])).toEqual({ confirmed: 0, live: 1 });
    } finally {
      jest.restoreAllMocks();
    }
  });

  describe("with an instance whose clock is an hour ahead (beats and ages on Redis's clock)", () => {
    const HOUR = 3_600_000;
    const realNow = Date.now.bind(Date);
    const anHourAhead = () => jest.spyOn(Date, 'now').mockImplementation(() => realNow() + HOUR);
    afterEach(() => jest.restoreAllMocks());

    it('that instance counts the others live, and keeps their beats', async () => {
      await instance(3, async () => undefined);
      const ahead = await instance(3, async () => undefined);
      anHourAhead();
      // Before: every other beat was an hour old by its clock: live 0, and they were removed as gone.
      expect(await ahead.confirm(5)).toEqual({ confirmed: 1, live: 1 });
      expect(server.hash(3, CONFIRMATION_KEYS.registry).size).toBe(2);
    });

    it('the others stop counting it live once it stops beating, not an hour later', async () => {
      const asker = await instance(4, async () => undefined);
      anHourAhead();
      await instance(4, never); // beats once at its start, by its clock an hour ahead, then is killed
      jest.restoreAllMocks();
      server.advance(10_000); // 10 s without a beat
      // Before: its beat, an hour in the asker's future, counted it live for an hour.
      expect(await asker.confirm(6)).toEqual({ confirmed: 0, live: 0 });
    });
  });
});
