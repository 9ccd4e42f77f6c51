import { connect } from 'node:net';
import { once } from 'node:events';

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
