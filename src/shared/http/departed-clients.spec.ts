import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { clientLeft, serveOnlyClientsStillThere } from './departed-clients.js';

const REQUEST = 'POST /work HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';

describe('serveOnlyClientsStillThere', () => {
  let server: Server;
  let port: number;
  /** Each request served: its path and whether its client had left when it was. */
  let served: { url: string; left: boolean }[];
  let dropped: IncomingMessage[];
  const loop = { behind: false };

  beforeEach(async () => {
    served = [];
    dropped = [];
    server = createServer((req, res) => {
      served.push({ url: req.url ?? '', left: clientLeft(req) });
      res.end('done');
    });
    serveOnlyClientsStillThere(server, loop, (req) => dropped.push(req));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  const connected = async (): Promise<Socket> => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    return socket;
  };
  /** Lets the server read what was sent, its end, and hand on what it deferred. */
  const turns = () => new Promise((resolve) => setTimeout(resolve, 100));

  it('drops, unserved, a request whose client left before it was read while the loop ran late', async () => {
    loop.behind = true;
    const socket = await connected();
    socket.write(REQUEST);
    socket.destroy();
    await turns();
    expect(served).toEqual([]);
    expect(dropped.map((req) => req.url)).toEqual(['/work']);
  });

  it('serves a request whose client is still there, one turn later, in the order read', async () => {
    loop.behind = true;
    const socket = await connected();
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.write(REQUEST.replace('/work', '/first') + REQUEST.replace('/work', '/second'));
    while ((answer.match(/done/g) ?? []).length < 2) await turns();
    expect(served).toEqual([
      { url: '/first', left: false },
      { url: '/second', left: false },
    ]);
    expect(dropped).toEqual([]);
    expect(answer.match(/done/g)).toHaveLength(2);
    socket.destroy();
  });

  it('hands a request on at once while the loop is on time, even one whose client has already left', async () => {
    loop.behind = false;
    const socket = await connected();
    socket.write(REQUEST);
    socket.destroy();
    await turns();
    // Its close is read after it: begun, it is served to the end.
    expect(served).toEqual([{ url: '/work', left: false }]);
    expect(dropped).toEqual([]);
  });

  it('wants the one listener it wraps', () => {
    const bare = createServer();
    expect(() => serveOnlyClientsStillThere(bare, loop, () => undefined)).toThrow('Expected one request listener, found 0');
  });
});
