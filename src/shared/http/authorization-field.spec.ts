import type { IncomingMessage } from 'node:http';
import { authorizationField } from './authorization-field.js';

/** A request as node gives it: headers keep the first Authorization field, rawHeaders every field as sent. */
function requestWith(rawHeaders: string[]): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i].toLowerCase()] ??= rawHeaders[i + 1];
  return { headers, rawHeaders } as unknown as IncomingMessage;
}

describe('authorizationField', () => {
  it('gives the one field, or none', () => {
    expect(authorizationField(requestWith(['Host', 'x', 'Authorization', 'Bearer a']))).toBe('Bearer a');
    expect(authorizationField(requestWith(['Host', 'x']))).toBeUndefined();
  });

  it('takes a field repeated as it is, and joins fields that differ, whatever their case and place', () => {
    expect(authorizationField(requestWith(['Authorization', 'Bearer a', 'authorization', 'Bearer a']))).toBe('Bearer a');
    expect(authorizationField(requestWith(['AUTHORIZATION', 'Bearer a', 'Host', 'x', 'authorization', 'Bearer b']))).toBe('Bearer a, Bearer b');
    expect(authorizationField(requestWith(['Authorization', 'Bearer a', 'Authorization', 'Bearer a', 'Authorization', 'Bearer c']))).toBe('Bearer a, Bearer c');
  });
});
