import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Watched {
  socket: Socket;
  received: () => string;
  closed: Promise<number>;
}

/** A raw connection that records what it receives and resolves `closed` with the milliseconds it stayed open. */
function open(port: number): Promise<Watched> {
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  return new Promise((resolve) => socket.once('connect', () => resolve({ socket, received: () => received, closed })));
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still open'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'still open'>((resolve) => (timer = setTimeout(() => resolve('still open'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Connection limits', () => {
  describe('timeouts', () => {
    let t: TestApp;
    let port: number;

    beforeAll(async () => {
      t = await startTestApp({ env: { HTTP_HEADERS_TIMEOUT_MS: 300, HTTP_REQUEST_TIMEOUT_MS: 1000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 600 } });
      port = (t.http.address() as AddressInfo).port;
    });
    afterAll(() => t.destroy());

    it('closes a connection that never finishes its header, with 408, after the header timeout', async () => {
      const slow = await open(port);
      slow.socket.write('GET /health HTTP/1.1\r\nHost: x\r\nX-Trickle: ');
      const openFor = await within(slow.closed, 5000);
      expect(openFor).not.toBe('still open');
      expect(openFor).toBeGreaterThanOrEqual(250);
      expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    });

    it("answers what node's parser refuses in the one error shape, with a request id and the /v1 answer headers", async () => {
      const answerTo = async (bytes: string) => {
        const client = await open(port);
        client.socket.write(bytes);
        expect(await within(client.closed, 5000)).not.toBe('still open');
        const [head, body] = client.received().split('\r\n\r\n');
        return { head, body: JSON.parse(body) };
      };
      const tooLarge = await answerTo(`GET /v1/whoami HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(tooLarge.head).toMatch(/^HTTP\/1\.1 431 /);
      expect(tooLarge.head).toMatch(/\r\nX-Request-Id: req_[0-9a-f]{32}\r\n/);
      expect(tooLarge.head).toMatch(/\r\nCache-Control: no-store\r\n/);
      expect(tooLarge.body).toEqual({ error: { type: 'invalid_request_error', message: "The request's header fields are too large." } });
      const notHttp = await answerTo('GET /v1/whoami HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n');
      expect(notHttp.head).toMatch(/^HTTP\/1\.1 400 /);
      expect(notHttp.body).toEqual({ error: { type: 'invalid_request_error', message: 'The request is not valid HTTP/1.1.' } });
      const late = await answerTo('GET /v1/whoami HTTP/1.1\r\nHost: x\r\nX-Trickle: ');
      expect(late.head).toMatch(/^HTTP\/1\.1 408 /);
      expect(late.body).toEqual({ error: { type: 'invalid_request_error', message: 'The request did not arrive in time.' } });
    });

    it('closes a connection that sends nothing at all', async () => {
      const silent = await open(port);
      expect(await within(silent.closed, 5000)).not.toBe('still open');
    });

    it('closes a connection whose body never finishes, after the request timeout', async () => {
      const trickle = await open(port);
      trickle.socket.write('POST /v1/api-keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na');
      const openFor = await within(trickle.closed, 6000);
      expect(openFor).not.toBe('still open');
      expect(openFor).toBeGreaterThanOrEqual(900);
    });

    it('keeps an idle keep-alive connection for the keep-alive timeout, not the header timeout', async () => {
      const idle = await open(port);
      idle.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      const openFor = await within(idle.closed, 6000);
      expect(idle.received()).toMatch(/^HTTP\/1\.1 200 /);
      expect(openFor).not.toBe('still open');
      expect(openFor).toBeGreaterThanOrEqual(550);
    });
  });

  describe('the connection cap', () => {
    let t: TestApp;
    let port: number;

    beforeAll(async () => {
      t = await startTestApp({ env: { HTTP_MAX_CONNECTIONS: 3 } });
      port = (t.http.address() as AddressInfo).port;
    });
    afterAll(() => t.destroy());

    it('closes connections beyond the cap at once, and accepts again when one is gone', async () => {
      const held = [await open(port), await open(port), await open(port)];
      const extra = await open(port);
      extra.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(await within(extra.closed, 3000)).not.toBe('still open');
      expect(extra.received()).toBe('');
      for (const connection of held) expect(connection.socket.destroyed).toBe(false);

      held[0].socket.destroy();
      await held[0].closed;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const res = await request(t.http).get('/health').set('Connection', 'close');
      expect(res.status).toBe(200);
      for (const connection of held.slice(1)) connection.socket.destroy();
    });
  });
});
