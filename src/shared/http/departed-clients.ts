import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';

/**
 * Whether the client of a request has gone: its connection is closed, or its end has been read. Node's server
 * (httpAllowHalfOpen false) ends a connection once it reads the client's end, so no answer written after that
 * reaches anyone, as nginx (499) and Envoy take a client's close for its leaving.
 */
export function clientLeft(req: IncomingMessage): boolean {
  const socket = req.socket;
  return socket.destroyed || socket.readableEnded;
}

/** What the service knows of its event loop: whether it runs late (LoopLateness). */
export interface LoopState {
  readonly behind: boolean;
}

/**
 * Serves no request whose client has already left: work for an answer nobody reads starves the requests still
 * waited for. A client's close is read only after its request (a socket's read stops at the end of the data it
 * has; its end is read on the loop's next poll for I/O), so while the loop runs late, when requests have waited to
 * be read and their clients may have given up, each request is handed on one turn later, after that poll: one
 * whose client has left by then is dropped before any of its work begins (no authentication, no check, no use
 * recorded, no command run), its connection closed, and `dropped` told. A request handed on is served to the end,
 * whoever leaves meanwhile: a command once begun finishes. On time, requests are handed on at once, as before.
 * Wraps the server's one request listener (what serveAheadOfFramework installed): install it last.
 */
export function serveOnlyClientsStillThere(server: Server, loop: LoopState, dropped: (req: IncomingMessage) => void): void {
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length !== 1) throw new Error(`Expected one request listener, found ${listeners.length}`);
  const [serve] = listeners;
  // Read in this turn; handed on in the next turn's check phase (an immediate set in a check phase runs in the
  // next turn's, after its poll).
  let waiting: (IncomingMessage | ServerResponse)[] = [];
  let handOn: (IncomingMessage | ServerResponse)[] = [];
  let scheduled = false;
  const nextTurn = () => {
    // handOn is what the previous turn read, waiting what this turn read. The next turn is set before any request
    // is served, so that a listener's throw (uncaught, as it would be from node's own emit) stops no later turn.
    const due = handOn;
    handOn = waiting;
    waiting = [];
    scheduled = handOn.length > 0;
    if (scheduled) setImmediate(nextTurn);
    for (let i = 0; i < due.length; i += 2) {
      const req = due[i] as IncomingMessage;
      const res = due[i + 1] as ServerResponse;
      if (clientLeft(req)) {
        dropped(req);
        req.socket.destroy();
      } else serve(req, res);
    }
  };
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!loop.behind && !scheduled) return serve(req, res);
    waiting.push(req, res);
    if (!scheduled) {
      scheduled = true;
      setImmediate(nextTurn);
    }
  });
}
