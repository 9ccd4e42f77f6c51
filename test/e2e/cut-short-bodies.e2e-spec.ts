import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { bearer } from '../support/auth.js';
import { sendAndClose } from '../support/raw-request.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A client that declares a body and leaves before sending it whole: authentication is asynchronous, so by the
 * time the body would be read the connection is gone, and the part that came must not be taken as no body.
 */
describe('a request body cut short', () => {
  let t: TestApp;
  let admin: string;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await t.bootstrapKey('acme', 'admin')).key;
    if (!t.http.listening) await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', resolve));
    port = (t.http.address() as AddressInfo).port;
  });
  afterAll(() => t.destroy());

  const keyIds = async (): Promise<string[]> =>
    (await request(t.http).get('/v1/api-keys?limit=100').set(bearer(admin)).expect(200)).body.data.map((key: { id: string }) => key.id);

  /** Headers for a JSON body of `length` bytes, of which only `sent` is sent. */
  const cutShort = (line: string, framing: string, sent: string) =>
    `${line} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\n${framing}\r\n\r\n${sent}`;

  /** Sends each request a few times (the race is the server's to lose) and waits until the app has handled them. */
  const sendEach = async (text: string) => {
    for (let i = 0; i < 5; i++) await sendAndClose(port, text);
    await request(t.http).get('/v1/api-keys').set(bearer(admin)).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
  };

  it('creates no key from a body that stops before its Content-Length', async () => {
    const before = await keyIds();
    await sendEach(cutShort('POST /v1/api-keys', 'Content-Length: 80', '{"name":"cut","allowed_ips":["10.0.0.1'));
    expect(await keyIds()).toEqual(before);
  });

  it('creates no key from a body with a Transfer-Encoding node cannot read, or a chunk it cannot', async () => {
    const before = await keyIds();
    await sendEach(cutShort('POST /v1/api-keys', 'Transfer-Encoding: xchunked', '{"name":"cut"}'));
    await sendEach(cutShort('POST /v1/api-keys', 'Transfer-Encoding: chunked', 'zz\r\n{"name":"cut"}'));
    expect(await keyIds()).toEqual(before);
  });

  it('rolls no key and changes none from a body cut short', async () => {
    const created = await request(t.http).post('/v1/api-keys').set(bearer(admin)).send({ name: 'target' }).expect(201);
    const before = await keyIds();
    const etag = (await request(t.http).get(`/v1/api-keys/${created.body.id}`).set(bearer(admin)).expect(200)).headers.etag;
    for (const [line, sent] of [
      [`POST /v1/api-keys/${created.body.id}/roll`, '{"grace_seconds":3'],
      [`PATCH /v1/api-keys/${created.body.id}`, '{"name":"chan'],
    ]) {
      await sendEach(cutShort(line, 'Content-Length: 40', sent));
      // A chunk size that is no number: node refuses the body while the request is already being served.
      await sendEach(cutShort(line, 'Transfer-Encoding: chunked', `zz\r\n${sent}`));
    }
    expect(await keyIds()).toEqual(before);
    expect((await request(t.http).get(`/v1/api-keys/${created.body.id}`).set(bearer(admin)).expect(200)).headers.etag).toBe(etag);
  });
});
