import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { PayloadTooLarge } from '../application/errors.js';
import { readRawBody } from './read-raw-body.js';

/** A request whose body arrives in chunks with no declared length (chunked transfer): only counting can bound it. */
function chunkedRequest(chunks: string[]): IncomingMessage {
  const req = Object.assign(new PassThrough(), { headers: { 'content-type': 'application/json' } });
  setImmediate(() => {
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
  return req as unknown as IncomingMessage;
}

describe('readRawBody', () => {
  it('gives the bytes exactly as sent, over several chunks', async () => {
    expect((await readRawBody(chunkedRequest(['[{"token":', '"x"}]']), 64)).toString()).toBe('[{"token":"x"}]');
  });

  it('refuses a chunked body with 413 once it passes the bound, with no declared length to refuse it before', async () => {
    await expect(readRawBody(chunkedRequest(['a'.repeat(40), 'b'.repeat(40)]), 64)).rejects.toThrow(PayloadTooLarge);
  });
});
