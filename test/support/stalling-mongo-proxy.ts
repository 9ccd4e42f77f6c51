import { createServer, type Server, type Socket, connect } from 'node:net';

/** A TCP proxy in front of a MongoDB server that can stall every command but the driver's health checks. */
export interface StallingMongoProxy {
  url: string;
  /** From now on, commands are held without an answer; hello (the driver's monitor) is still answered. */
  stall(): void;
  close(): Promise<void>;
}

const OP_MSG = 2013;
/** What the driver's monitor and handshake send: answered, so the server stays selectable and each command times out on its own. */
const HEALTH_CHECKS = new Set(['hello', 'ismaster', 'isMaster']);

/**
 * A server overloaded past every timeout, as a soak saw FerretDB: it accepts connections and answers its health
 * checks, while a write never completes. Unlike a frozen process (SIGSTOP), whose monitor times out and fails every
 * operation at once, the driver keeps sending commands to it, each failing only by its own timeout.
 */
export async function startStallingMongoProxy(upstreamPort: number): Promise<StallingMongoProxy> {
  let stalled = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    let holding = false;
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        // Once one is held, so is every later one on the connection: a connection carries one command at a time.
        holding ||= stalled && !HEALTH_CHECKS.has(commandName(message) ?? 'hello');
        if (!holding) upstream.write(message);
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        sockets.delete(socket);
        other.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    stall: () => (stalled = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The command an OP_MSG carries (the first key of its body); null for any other message (OP_QUERY: the legacy handshake). */
function commandName(message: Buffer): string | null {
  if (message.readInt32LE(12) !== OP_MSG || message[20] !== 0) return null;
  const keyStart = 26;
  return message.subarray(keyStart, message.indexOf(0, keyStart)).toString('utf8');
}
