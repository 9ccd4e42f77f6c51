import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_SIGNATURE_HEADER, verifyWebhookSignature } from '../../src/anomalies/delivery/webhook-signature.js';

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Checked with verifyWebhookSignature against the receiver's secret and clock. */
  signatureValid: boolean;
  /** What the receiver answered; null when it held the request without answering. */
  status: number | null;
  /** The payload id (the alert id), when the body is JSON with one. */
  id: string | null;
  /** When the receiver had read the whole request (epoch ms). */
  receivedAt: number;
}

/**
 * A webhook endpoint on 127.0.0.1 (random port) for tests. It records every request, answers 200 to
 * correctly signed ones and 400 to the others, and can be told to fail: answer an error status to
 * the next N requests, hold the next N without answering (to exercise client timeouts), or go down
 * (stop listening and drop open connections, so clients get ECONNREFUSED) and come back on the same port.
 */
export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  private failures: { count: number; status: number } = { count: 0, status: 503 };
  private holds = 0;
  private readonly held = new Set<ServerResponse>();
  private readonly server: Server;
  private port = 0;

  private constructor(private readonly secret: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const header = req.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()];
        const signatureValid = verifyWebhookSignature(
          rawBody,
          typeof header === 'string' ? header : undefined,
          this.secret,
          Math.floor(Date.now() / 1000),
        );
        let id: string | null = null;
        try {
          const parsed = JSON.parse(rawBody) as { id?: unknown };
          if (typeof parsed.id === 'string') id = parsed.id;
        } catch {
          // Recorded as is.
        }
        const record: ReceivedWebhook = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, signatureValid, status: null, id, receivedAt: Date.now() };
        this.requests.push(record);
        if (this.holds > 0) {
          this.holds--;
          this.held.add(res);
          res.on('close', () => this.held.delete(res));
          return;
        }
        let status = signatureValid ? 200 : 400;
        if (this.failures.count > 0) {
          this.failures.count--;
          status = this.failures.status;
        }
        record.status = status;
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ received: status === 200 }));
      });
    });
  }

  static async start(secret: string): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(secret);
    await receiver.listen(0);
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/parsesphere`;
  }

  /** Answer `status` (503 by default) to the next `count` requests, signed or not. */
  failNext(count: number, status = 503): void {
    this.failures = { count, status };
  }

  /** Hold the next `count` requests without ever answering. */
  holdNext(count: number): void {
    this.holds = count;
  }

  /** Stop listening and drop every open connection: new connections are refused until up(). */
  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const res of this.held) res.destroy();
    await closed;
  }

  /** Listen again on the same port. */
  async up(): Promise<void> {
    await this.listen(this.port);
  }

  /** Requests answered 2xx, in arrival order. */
  accepted(): ReceivedWebhook[] {
    return this.requests.filter((r) => r.status !== null && r.status >= 200 && r.status < 300);
  }

  /** Alert ids of the requests answered 2xx, in arrival order. */
  acceptedIds(): (string | null)[] {
    return this.accepted().map((r) => r.id);
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    await this.down();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}
