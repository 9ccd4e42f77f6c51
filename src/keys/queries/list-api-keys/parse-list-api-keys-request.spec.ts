import { parse } from 'node:querystring';
import { InvalidRequest } from '../../../shared/application/errors.js';
import { LIST_QUERY_MESSAGES, parseListApiKeysRequest } from './parse-list-api-keys-request.js';

const read = (query: string) => parseListApiKeysRequest(parse(query));
const refusal = (query: string): string => {
  try {
    read(query);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequest);
    return (error as Error).message;
  }
  throw new Error(`?${query} was accepted`);
};

describe('parseListApiKeysRequest', () => {
  it('reads no parameter as the defaults', () => {
    expect(read('')).toEqual({ limit: undefined, startingAfter: null, status: null });
  });

  it('reads each parameter, the cursor in lowercase', () => {
    expect(read('limit=100&starting_after=550E8400-E29B-41D4-A716-446655440000&status=revoked')).toEqual({
      limit: 100,
      startingAfter: '550e8400-e29b-41d4-a716-446655440000',
      status: 'revoked',
    });
    expect(read('limit=%2B7').limit).toBe(7);
    expect(read('limit=007').limit).toBe(7);
  });

  it.each(['0', '101', '-1', '1e1', '0x10', '5.0', ' 5', '', 'abc', '1&limit=2', '99999999999999999'])(
    'refuses limit=%s with the one limit message',
    (limit) => {
      expect(refusal(`limit=${limit}`)).toBe(LIST_QUERY_MESSAGES.limit);
    },
  );

  it.each(['nope', '', '550e8400-e29b-41d4-a716-44665544000', '550e8400e29b41d4a716446655440000'])(
    'refuses starting_after=%s',
    (cursor) => {
      expect(refusal(`starting_after=${cursor}`)).toBe(LIST_QUERY_MESSAGES.startingAfter);
    },
  );

  it.each(['ACTIVE', '', 'active&status=revoked', 'all'])('refuses status=%s', (status) => {
    expect(refusal(`status=${status}`)).toBe(LIST_QUERY_MESSAGES.status);
  });

  it('names every problem, the declared parameters first in the order the validation pipe gives them, then the unknown ones as sent', () => {
    expect(refusal('zeta=1&limit=0&alpha&status=x&starting_after=y')).toBe(
      [LIST_QUERY_MESSAGES.startingAfter, LIST_QUERY_MESSAGES.status, LIST_QUERY_MESSAGES.limit, 'zeta is not a known field', 'alpha is not a known field'].join('; '),
    );
    expect(refusal('Limit=5&a[b]=1')).toBe('Limit is not a known field; a[b] is not a known field');
  });

  it('refuses a name that reaches a prototype as the shape check does for every route', () => {
    expect(refusal('__proto__=1')).toBe('__proto__: property __proto__ should not exist');
    expect(refusal('limit=5&constructor=x')).toBe('constructor: property constructor should not exist');
  });
});
