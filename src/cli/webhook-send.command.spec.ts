import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadEnvironment } from '../shared/config/environment.js';
import { webhookSend } from './webhook-send.command.js';

/** A receiver answering 204 to every POST, on loopback, reachable as 127.0.0.1 and as 0.0.0.0 (Linux: this host). */
async function receiver(): Promise<{ server: Server; port: number; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      bodies.push(body);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, bodies };
}

describe('webhook-send --test', () => {
  const stderr: string[] = [];
  beforeEach(() => {
    stderr.length = 0;
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      // Only what the command writes, not Node's process warnings ("(node:PID) [CODE] ...": jest's VM modules are
      // "experimental", and jest warns when an earlier file's global is read after its cleanup; CI on b7f2a37).
      const text = String(chunk);
      if (!text.startsWith('(node:') && !text.includes('--trace-warnings')) stderr.push(text);
      return true;
    });
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  // The security audit of 2026-12-07: the service warns at start that alerts to http:// on another host cross the
  // network readable, but webhook-send sent the same body (an alert's addresses, account and key ids) without a word.
  it('warns before sending over plain http:// to another host, as the service does at start; not to this host', async () => {
    const { server, port, bodies } = await receiver();
    try {
      const secret = 'whsec_webhook_send_spec_0123456789';
      await webhookSend(undefined, { test: true }, loadEnvironment({ ALERT_WEBHOOK_URL: `http://0.0.0.0:${port}/hooks?token=t0k3n`, ALERT_WEBHOOK_SECRET: secret }));
      expect(bodies).toHaveLength(1);
      expect(stderr).toEqual([expect.stringMatching(/^warning: ALERT_WEBHOOK_URL is plain http:\/\/ to another host: .*unencrypted.*\n$/)]);
      expect(stderr.join('')).not.toContain('t0k3n');

      stderr.length = 0;
      await webhookSend(undefined, { test: true }, loadEnvironment({ ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`, ALERT_WEBHOOK_SECRET: secret }));
      expect(bodies).toHaveLength(2);
      expect(stderr).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
