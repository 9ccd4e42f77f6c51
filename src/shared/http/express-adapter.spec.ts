import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { ServiceExpressAdapter } from './express-adapter.js';

describe('ServiceExpressAdapter', () => {
  let server: Server;
  let app: express.Express;
  let base: string;
  const arrived: { request: object; response: object }[] = [];
  const routed: { request: object; response: object }[] = [];

  beforeAll(async () => {
    const adapter = new ServiceExpressAdapter();
    adapter.initHttpServer({});
    app = adapter.getInstance<express.Express>();
    server = adapter.getHttpServer() as Server;
    // What node:http made, before express sees it (the front routes' place).
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      arrived.push({ request: Object.getPrototypeOf(req), response: Object.getPrototypeOf(res) });
    });
    app.get('/probe', (req, res) => {
      routed.push({ request: Object.getPrototypeOf(req), response: Object.getPrototypeOf(res) });
      res.status(201).set('X-Seen', req.get('x-sent') ?? '').json({ query: req.query, path: req.path, ip: req.ip });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('makes requests and responses with the prototypes express gives them, so express changes none', async () => {
    const answer = await fetch(`${base}/probe?a=1`);
    await answer.arrayBuffer();
    expect(arrived.at(-1)).toEqual({ request: app.request, response: app.response });
    expect(routed.at(-1)?.request).toBe(arrived.at(-1)?.request);
    expect(routed.at(-1)?.response).toBe(arrived.at(-1)?.response);
  });

  it("keeps express's request and response helpers", async () => {
    const answer = await fetch(`${base}/probe?a=1&b=two`, { headers: { 'X-Sent': 'hello' } });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-seen')).toBe('hello');
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await answer.json()).toEqual({ query: { a: '1', b: 'two' }, path: '/probe', ip: '127.0.0.1' });
  });

  it('answers what no route takes with express’s own 404', async () => {
    const answer = await fetch(`${base}/nowhere`);
    expect(answer.status).toBe(404);
    expect(await answer.text()).toContain('Cannot GET /nowhere');
  });
});
