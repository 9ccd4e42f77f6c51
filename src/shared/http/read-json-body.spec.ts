import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { InvalidRequest } from '../application/errors.js';
import { BODY_REFUSALS, readJsonBody } from './read-json-body.js';

function jsonRequest(): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.headers = { 'content-type': 'application/json', 'content-length': '80' };
  return req;
}

describe('readJsonBody', () => {
  it('reads a whole body', async () => {
    const req = jsonRequest();
    const body = readJsonBody(req);
    req.push('{"a":1}');
    req.push(null);
    await expect(body).resolves.toEqual({ a: 1 });
  });

  it('refuses a request whose connection closed before it was read, instead of waiting for an end that never comes', async () => {
    const req = jsonRequest();
    req.push('{"name":"cu');
    req.destroy();
    await expect(readJsonBody(req)).rejects.toEqual(new InvalidRequest(BODY_REFUSALS.cutShort));
  });

  it('refuses a request closed mid-body without an error', async () => {
    const req = jsonRequest();
    const body = readJsonBody(req);
    req.push('{"name":"cu');
    req.destroy();
    await expect(body).rejects.toEqual(new InvalidRequest(BODY_REFUSALS.cutShort));
  });
});
