import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScannerKeysUnavailable, ScannerPublicKeys } from './scanner-public-keys.js';

const document = JSON.stringify({
  public_keys: [{ key_identifier: 'k1', key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }), is_current: true }],
});
const TEN_MB = 10 * 1024 * 1024;

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/meta/public_keys/secret_scanning` };
}
function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Writes 10 MB in 64 KiB chunks as the client takes them and never ends the body; resolves when the client drops the connection. */
function sendTenMegabytes(res: ServerResponse, headers: Record<string, string | number>): Promise<void> {
  return new Promise((resolve) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let written = 0;
    const write = (): void => {
      while (written < TEN_MB && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', write);
      }
    };
    res.on('close', () => resolve());
    write();
  });
}

describe('ScannerPublicKeys over HTTP', () => {
  it('reads the document a key server sends (chunked)', async () => {
    const { server, url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(document.slice(0, 50));
      res.end(document.slice(50));
    });
    try {
      expect(await new ScannerPublicKeys(url).find('k1')).not.toBeNull();
    } finally {
      await close(server);
    }
  });

  it('follows no redirect: to http elsewhere, nor on the same host', async () => {
    let targetRequests = 0;
    const target = await serve((_req, res) => {
      targetRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(document);
    });
    const redirecting = await serve((req, res) => {
      const elsewhere = req.url === '/meta/public_keys/secret_scanning';
      res.writeHead(302, { location: elsewhere ? target.url : '/same-host' }).end();
    });
    try {
      const found = new ScannerPublicKeys(redirecting.url).find('k1');
      await expect(found).rejects.toThrow(ScannerKeysUnavailable);
      await expect(found).rejects.toThrow(/unexpected redirect/);
      await expect(new ScannerPublicKeys(redirecting.url.replace('/meta/public_keys/secret_scanning', '/other')).find('k1')).rejects.toThrow(/unexpected redirect/);
      expect(targetRequests).toBe(0);
    } finally {
      await close(redirecting.server);
      await close(target.server);
    }
  });

  it('stops reading a 10 MB body past 256 KiB and drops the connection, with or without Content-Length', async () => {
    for (const headers of [{}, { 'content-length': TEN_MB }] as Record<string, number>[]) {
      let dropped: Promise<void> | null = null;
      const { server, url } = await serve((_req, res) => {
        dropped = sendTenMegabytes(res, headers);
      });
      try {
        const found = new ScannerPublicKeys(url).find('k1');
        await expect(found).rejects.toThrow(ScannerKeysUnavailable);
        await expect(found).rejects.toThrow(/larger than 262144 bytes/);
        // The body never ends: only a reader that gave up closes the connection (else this waits out the test's time).
        expect(dropped).not.toBeNull();
        await dropped;
      } finally {
        await close(server);
      }
    }
  });
});
