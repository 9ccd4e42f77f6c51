import type { Server } from 'node:http';

const IDLE_SWEEP_MS = 25;

/**
 * Stops accepting connections and lets the requests in flight finish: keep-alive connections are closed as
 * soon as they are idle (swept every 25 ms, so a client cannot keep one busy forever), and whatever is still
 * open after `deadlineMs` is cut. Resolves when no connection is left, so nothing answered afterwards exists.
 */
export async function drainHttpServer(server: Server, deadlineMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs);
  try {
    server.closeIdleConnections();
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}
