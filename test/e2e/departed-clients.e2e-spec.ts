import { jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { once } from 'node:events';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { EVENT_STORE, type EventStore } from '../../src/shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../src/usage/domain/key-used.js';
import { bearer } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { flushUsage } from '../support/usage.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';

/** Holds this thread, the app's, for `ms`: its event loop runs late, as an overloaded instance's does. */
function holdTheLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/**
 * Under overload a request waits to be read, and its client may give up and close first (a gateway past its
 * deadline). Such a request is dropped before any of its work (docs/operations.md, "Overload and noisy
 * neighbours"); a request begun is served to the end, a command included, whoever leaves meanwhile.
 */
describe('requests whose clients left before they were read', () => {
  let t: TestApp;
  let admin: string;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ env: { VERIFY_TOKEN } });
    admin = (await t.bootstrapKey('acme', 'admin')).key;
    port = (t.http.address() as AddressInfo).port;
  });
  afterAll(() => t.destroy());

  const connected = async (): Promise<Socket> => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    return socket;
  };
  const text = (line: string, token: string, body: object) => {
    const json = JSON.stringify(body);
    return `${line} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
  };
  /** Sends, and leaves while the instance is too busy to read the request. */
  const sendAndLeaveWhileBusy = async (request: string) => {
    const socket = await connected();
    socket.write(request);
    socket.destroy();
    holdTheLoop(100);
    await sleep(200);
  };
  /** Sends while the instance is too busy to read the request, and waits for the answer. */
  const sendAndWaitWhileBusy = async (request: string, expected: string): Promise<string> => {
    const socket = await connected();
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.write(request);
    holdTheLoop(100);
    for (const end = Date.now() + 10_000; !answer.includes(expected) && Date.now() < end; ) await sleep(10);
    socket.destroy();
    return answer;
  };
  const dropped = async (): Promise<number> => {
    const text = (await request(t.http).get('/metrics').expect(200)).text;
    return Number(/^parsesphere_http_requests_dropped_total (\d+)$/m.exec(text)?.[1]);
  };
  const keyNames = async (): Promise<string[]> =>
    (await request(t.http).get('/v1/api-keys?limit=100').set(bearer(admin)).expect(200)).body.data.map((key: { name: string }) => key.name);

  it('neither checks, records nor answers a verify whose client left; answers and records one whose client waited', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'gateway user' }).expect(201);
    const verify = text('POST /v1/keys/verify', VERIFY_TOKEN, { key: created.body.key });
    const droppedBefore = await dropped();
    for (let i = 0; i < 3; i++) await sendAndLeaveWhileBusy(verify);
    expect((await dropped()) - droppedBefore).toBe(3);
    const answer = await sendAndWaitWhileBusy(verify, '"valid":true');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    await flushUsage(t);
    const uses = await t.app.get<EventStore>(EVENT_STORE).readStream(keyUsageStreamId(created.body.id));
    // The one answered: the three whose clients had left were dropped before their check.
    expect(uses.map((use) => use.data.outcome)).toEqual(['accepted']);
  });

  it('creates no key for a client that left before its request was read', async () => {
    for (let i = 0; i < 3; i++) await sendAndLeaveWhileBusy(text('POST /v1/api-keys', admin, { name: 'nobody waited' }));
    const answer = await sendAndWaitWhileBusy(text('POST /v1/api-keys', admin, { name: 'waited for' }), '"name":"waited for"');
    expect(answer).toMatch(/^HTTP\/1\.1 201 /);
    // Read after the one answered (read-your-writes): a creation of the others would be listed too.
    const names = await keyNames();
    expect(names).toContain('waited for');
    expect(names).not.toContain('nobody waited');
  });

  it('finishes a creation begun before its client left', async () => {
    const bus = t.app.get(CommandBus);
    const execute = bus.execute.bind(bus);
    let client: Socket | null = null;
    // The client leaves as the command begins: its append is not undone, nor is the rest of the command skipped.
    const spy = jest.spyOn(bus, 'execute').mockImplementation((command) => {
      client?.destroy();
      return execute(command);
    });
    try {
      client = await connected();
      client.write(text('POST /v1/api-keys', admin, { name: 'begun' }));
      for (const end = Date.now() + 10_000; !(await keyNames()).includes('begun') && Date.now() < end; ) await sleep(20);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(await keyNames()).toContain('begun');
    } finally {
      spy.mockRestore();
    }
  });
});
