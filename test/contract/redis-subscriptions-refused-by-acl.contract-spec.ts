import type { EventStore } from '../../src/shared/event-store/event-store.port.js';
import { APPEND_CHANNEL, nudgeMessage, RedisAppendFanOut } from '../../src/infrastructure/redis/redis-append-fan-out.js';
import { openRedisConnection, openRedisSubscriber } from '../../src/infrastructure/redis/redis-connection.js';
import { RedisRevocationConfirmations } from '../../src/infrastructure/redis/redis-revocation-confirmations.js';
import { eventually } from '../support/eventually.js';
import { type RedisServer, startRedisServer, whenRedis } from '../support/redis.js';

const ADMIN_PASSWORD = 'admin-password-0123456789';

whenRedis('Subscriptions refused by an ACL', () => {
  describe('A Redis user without the channels (ACL: keys ~parsesphere:*, no &parsesphere:*)', () => {
    let server: RedisServer;
    const closing: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      server = await startRedisServer(undefined, ['--requirepass', ADMIN_PASSWORD]);
    });
    afterAll(async () => {
      await Promise.all(closing.map((close) => close()));
      await server.stop();
    });

    it('is said (the refusal is passed on), and the subscriptions are taken up once the ACL grants the channels', async () => {
      const admin = openRedisConnection(`redis://:${ADMIN_PASSWORD}@127.0.0.1:${server.port}`, 'acl-admin');
      closing.push(async () => admin.disconnect());
      await eventually(async () => expect(await admin.call('ACL', 'SETUSER', 'keys', 'on', '>keys-password-0123', '~parsesphere:*', 'resetchannels', '+@all')).toBe('OK'));
      const url = `redis://keys:keys-password-0123@127.0.0.1:${server.port}`;

      const refusals: string[] = [];
      const woken: (readonly string[] | undefined)[] = [];
      const store = { onAppended: () => () => undefined, wakeSubscriptions: (types?: readonly string[]) => void woken.push(types) } as unknown as EventStore;
      const fanOut = new RedisAppendFanOut(openRedisConnection(url, 'acl-fan-out'), openRedisSubscriber(url, 'acl-fan-out-subscriber'), store, (error) =>
        refusals.push(`fan-out ${(error as Error).message}`),
      );
      const confirming = new RedisRevocationConfirmations(openRedisConnection(url, 'acl-confirm'), openRedisSubscriber(url, 'acl-confirm-subscriber'), async () => undefined, 300, (error) =>
        refusals.push(`confirmations ${(error as Error).message}`),
      );
      closing.push(() => fanOut.close(), () => confirming.close());
      await fanOut.start();
      await confirming.start();

      // Before: both refusals were swallowed, and nothing ever subscribed again.
      await eventually(() => {
        expect(refusals).toEqual(expect.arrayContaining([expect.stringMatching(/^fan-out NOPERM/), expect.stringMatching(/^confirmations NOPERM/)]));
      });

      expect(await admin.call('ACL', 'SETUSER', 'keys', '&parsesphere:*')).toBe('OK');
      const asker = new RedisRevocationConfirmations(openRedisConnection(url, 'acl-asker'), openRedisSubscriber(url, 'acl-asker-subscriber'), async () => undefined, 300);
      closing.push(() => asker.close());
      await asker.start();
      await eventually(
        async () => {
          expect(await asker.confirm(3)).toEqual({ confirmed: 1, live: 1 });
          await admin.publish(APPEND_CHANNEL, nudgeMessage('another-instance', ['KeyDisabled']));
          expect(woken).toContainEqual(['KeyDisabled']);
        },
        15_000,
        200,
      );
    }, 40_000);
  });
});
