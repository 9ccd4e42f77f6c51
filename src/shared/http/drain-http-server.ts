import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';

const IDLE_SWEEP_MS = 25;
/** How long a keep-alive connection may go on carrying requests once a stop is asked for. */
const KEEP_ALIVE_GRACE_MS = 1_000;

/**
 * Stops accepting connections and lets the requests in flight finish. Every answer from then on says
 * `Connection: close` and ends its connection, so a client busy on a keep-alive connection learns of the stop
 * from an answer; connections still idle after a grace second are closed (swept every 25 ms, so a client
 * cannot keep one busy forever), and whatever is still open after `deadlineMs` is cut. Resolves when no
 * connection is left, so nothing answered afterwards exists.
 */
export async function drainHttpServer(server: Server, deadlineMs: number): Promise<void> {
  if (!server.listening) return;
  server.prependListener('request', (_req, res) => res.setHeader('Connection', 'close'));
  // net's close, not http's: http's closes every idle keep-alive connection at once, resetting those whose
  // client is that moment sending its next request (one failed request per connection under load).
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  let sweep: NodeJS.Timeout | undefined;
  const grace = setTimeout(() => {
    server.closeIdleConnections();
    sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  }, KEEP_ALIVE_GRACE_MS);
  const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs);
  try {
    await closed;
  } finally {
    clearTimeout(grace);
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}
