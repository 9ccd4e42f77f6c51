import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';

export const SECRET_SCANNING_PATH = '/v1/secret-scanning/reports';
export const SCANNER_KEY_ID = 'bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c';

/** A secret scanner as GitHub's: its key pair, and its public keys document (/meta/public_keys/secret_scanning) served on loopback. */
export class FakeScanner {
  private constructor(
    private readonly privateKey: KeyObject,
    private readonly server: Server,
    readonly document: string,
  ) {}

  static async start(): Promise<FakeScanner> {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const document = JSON.stringify({ public_keys: [{ key_identifier: SCANNER_KEY_ID, key: publicKey.export({ type: 'spki', format: 'pem' }), is_current: true }] });
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(document));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeScanner(privateKey, server, document);
  }

  get keysUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/meta/public_keys/secret_scanning`;
  }

  signature(body: string, privateKey = this.privateKey): string {
    return sign('sha256', Buffer.from(body), privateKey).toString('base64');
  }

  /** A report as GitHub sends it: the body signed with the scanner's key. */
  post(t: { http: Parameters<typeof request>[0] } | string, reports: object[]) {
    const body = JSON.stringify(reports);
    return request(typeof t === 'string' ? t : t.http)
      .post(SECRET_SCANNING_PATH)
      .set('Content-Type', 'application/json')
      .set('Github-Public-Key-Identifier', SCANNER_KEY_ID)
      .set('Github-Public-Key-Signature', this.signature(body))
      .send(body);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
