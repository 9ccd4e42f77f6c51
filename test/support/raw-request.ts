import { once } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or null when there is none. */
  body: any;
}

/**
 * Sends this exact request target and body bytes, which supertest would not: it parses the target as a URL
 * (re-encoding a `%`, dropping a `#fragment`) and serialises a Buffer as JSON.
 */
export function rawRequest(server: Server, method: string, target: string, headers: OutgoingHttpHeaders = {}, body?: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const { port } = server.address() as AddressInfo;
    const req = httpRequest(
      { host: '127.0.0.1', port, path: target, method, headers: body ? { ...headers, 'Content-Length': body.length } : headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? null : JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends the request's text as it is on a new connection, then closes the sending side at once (a client that
 * leaves mid-body), and resolves with whatever the server wrote back before the connection closed.
 */
export async function sendAndClose(port: number, text: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  socket.end(text);
  await once(socket, 'close');
  return answer;
}
