import { FakeRedisServer } from '../../../test/support/fake-redis-server.js';
import type { EventStore } from '../../shared/event-store/event-store.port.js';
import { nudgeMessage, parseNudge, RedisAppendFanOut } from './redis-append-fan-out.js';

describe('the append nudge', () => {
  const sender = '6f1c1d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e';

  it('carries the sender and the types it appended', () => {
    expect(parseNudge(nudgeMessage(sender, new Set(['KeyUsed', 'AuthenticationFailed'])))).toEqual({
      sender,
      types: ['KeyUsed', 'AuthenticationFailed'],
    });
    expect(parseNudge(nudgeMessage(sender, ['KeyRevoked']))).toEqual({ sender, types: ['KeyRevoked'] });
  });

  it('from an instance that names no types (an older one) wakes every subscription', () => {
    expect(parseNudge(sender)).toEqual({ sender, types: undefined });
    expect(parseNudge(nudgeMessage(sender, []))).toEqual({ sender, types: undefined });
  });
});

describe('RedisAppendFanOut', () => {
  /** The part of a polling store the fan-out uses: appends to announce, and the wakes it was asked for. */
  const pollingStore = () => {
    const listeners: ((types: ReadonlySet<string>) => void)[] = [];
    const woken: (readonly string[] | undefined)[] = [];
    const store = {
      onAppended: (listener: (types: ReadonlySet<string>) => void) => {
        listeners.push(listener);
        return () => undefined;
      },
      wakeSubscriptions: (types?: readonly string[]) => void woken.push(types),
    } as unknown as EventStore;
    return { store, woken, append: (type: string) => listeners.forEach((listener) => listener(new Set([type]))) };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('wakes the instances of its own database only: pub/sub ignores the database, another deployment is not nudged', async () => {
    const server = new FakeRedisServer();
    const instances = [0, 0, 1].map((db) => {
      const log = pollingStore();
      return { ...log, fanOut: new RedisAppendFanOut(server.connect(db), server.connect(db), log.store) };
    });
    for (const { fanOut } of instances) await fanOut.start();
    const [sender, sameDeployment, otherDeployment] = instances;

    sender.append('KeyRevoked');
    await settle();

    expect(sameDeployment.woken).toEqual([['KeyRevoked']]);
    expect(sender.woken).toEqual([]);
    expect(otherDeployment.woken).toEqual([]);
    await Promise.all(instances.map(({ fanOut }) => fanOut.close()));
  });
});
