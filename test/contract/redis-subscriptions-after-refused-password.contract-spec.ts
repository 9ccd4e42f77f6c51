import type { Redis } from 'ioredis';
import type { EventStore } from '../../src/shared/event-store/event-store.port.js';
import { APPEND_CHANNEL, nudgeMessage, RedisAppendFanOut } from '../../src/infrastructure/redis/redis-append-fan-out.js';
import { openRedisConnection, openRedisSubscriber } from '../../src/infrastructure/redis/redis-connection.js';
import { RedisRevocationConfirmations } from '../../src/infrastructure/redis/redis-revocation-confirmations.js';
import { eventually } from '../support/eventually.js';
import { type RedisServer, startRedisServer, whenRedis } from '../support/redis.js';

const OLD_PASSWORD = 'old-password-0123456789';
const NEW_PASSWORD = 'new-password-9876543210';

/** Resolves at the connection's first error (the refused handshake). */
const refused = (connection: Redis) => new Promise<void>((resolve) => connection.once('error', () => resolve()));

whenRedis('Subscriptions after a refused password', () => {
  describe('An instance started while Redis refuses its password', () => {
    let server: RedisServer;
    const closing: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      server = await startRedisServer(undefined, ['--requirepass', OLD_PASSWORD]);
    });
    afterAll(async () => {
      await Promise.all(closing.map((close) => close()));
      await server.stop();
    });

    it('hears the nudges and the confirmation questions once the password is right (the queued SUBSCRIBE was rejected)', async () => {
      const url = `redis://:${NEW_PASSWORD}@127.0.0.1:${server.port}`;
      const woken: (readonly string[] | undefined)[] = [];
      const store = {
        onAppended: () => () => undefined,
        wakeSubscriptions: (types?: readonly string[]) => void woken.push(types),
      } as unknown as EventStore;
      const fanOutSubscriber = openRedisSubscriber(url, 'refused-fan-out-subscriber');
      const confirmSubscriber = openRedisSubscriber(url, 'refused-confirm-subscriber');
      const firstRefusals = Promise.all([refused(fanOutSubscriber), refused(confirmSubscriber)]);
      const fanOut = new RedisAppendFanOut(openRedisConnection(url, 'refused-fan-out'), fanOutSubscriber, store);
      const late = new RedisRevocationConfirmations(openRedisConnection(url, 'refused-confirm'), confirmSubscriber, async () => undefined, 300);
      closing.push(() => fanOut.close(), () => late.close());
      await fanOut.start();
      await late.start();
      await firstRefusals;

      // The operator puts the password the instances were given on the server.
      const admin = openRedisConnection(`redis://:${OLD_PASSWORD}@127.0.0.1:${server.port}`, 'refused-admin');
      await eventually(async () => expect(await admin.config('SET', 'requirepass', NEW_PASSWORD)).toBe('OK'));
      admin.disconnect();

      const asker = new RedisRevocationConfirmations(openRedisConnection(url, 'refused-asker'), openRedisSubscriber(url, 'refused-asker-subscriber'), async () => undefined, 300);
      closing.push(() => asker.close());
      await asker.start();
      const nudger = openRedisConnection(url, 'refused-nudger');
      closing.push(async () => nudger.disconnect());
      await eventually(
        async () => {
          expect(await asker.confirm(7)).toEqual({ confirmed: 1, live: 1 });
          await nudger.publish(APPEND_CHANNEL, nudgeMessage('another-instance', ['KeyRevoked']));
          expect(woken).toContainEqual(['KeyRevoked']);
        },
        10_000,
        100,
      );
    }, 30_000);
  });
});
