import 'reflect-metadata';
import { parse } from 'node:querystring';
import { IsIn, IsOptional } from 'class-validator';
import { seededRandom } from '../../../../test/support/seeded-random.js';
import { InvalidRequest } from '../../../shared/application/errors.js';
import { checkJsonShape } from '../../../shared/http/json-shape.js';
import { PageLimitRequest } from '../../../shared/http/page-limit.dto.js';
import { UuidQueryParameter } from '../../../shared/http/validation-rules.js';
import { strictValidationPipe } from '../../../shared/http/validation.pipe.js';
import { KEY_STATUSES } from '../../projection/api-key-view.js';
import { generateApiKey } from '../../domain/api-key-secret.js';
import { DEFAULT_PAGE_SIZE, LIST_INCLUDES, LIST_QUERY_MESSAGES, parseListApiKeysRequest } from './parse-list-api-keys-request.js';

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
    expect(read('')).toEqual({ limit: undefined, startingAfter: null, status: null, requestsPerHour: false, namePrefix: null, prefix: null });
  });

  it('reads each parameter, the cursor in lowercase', () => {
    expect(read('limit=100&starting_after=550E8400-E29B-41D4-A716-446655440000&status=revoked&include=requests_per_hour')).toEqual({
      limit: 100,
      startingAfter: '550e8400-e29b-41d4-a716-446655440000',
      status: 'revoked',
      requestsPerHour: true,
      namePrefix: null,
      prefix: null,
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

  it.each(['usage', '', 'REQUESTS_PER_HOUR', 'requests_per_hour&include=requests_per_hour'])('refuses include=%s', (include) => {
    expect(refusal(`include=${include}`)).toBe(LIST_QUERY_MESSAGES.include);
  });

  it('names every problem, the declared parameters first in the order the validation pipe gives them, then the unknown ones as sent', () => {
    expect(refusal('zeta=1&limit=0&alpha&status=x&starting_after=y')).toBe(
      [LIST_QUERY_MESSAGES.startingAfter, LIST_QUERY_MESSAGES.status, LIST_QUERY_MESSAGES.limit, 'zeta is not a known field', 'alpha is not a known field'].join('; '),
    );
    expect(refusal('Limit=5&a[b]=1')).toBe('Limit is not a known field; a[b] is not a known field');
  });

  it('reads name_prefix as sent, up to 100 characters (code points), and refuses control characters, empty or longer text', () => {
    expect(read('name_prefix=Prod%20EU&status=active').namePrefix).toBe('Prod EU');
    expect(read(`name_prefix=${encodeURIComponent('😀'.repeat(100))}`).namePrefix).toBe('😀'.repeat(100));
    for (const bad of ['', 'a'.repeat(101), 'a%00b', 'tab%09', '%C2%85', 'x&name_prefix=y']) expect(refusal(`name_prefix=${bad}`)).toBe(LIST_QUERY_MESSAGES.namePrefix);
  });

  it('reads prefix as the display prefix, from the prefix alone, a longer start of the key, or a log line', () => {
    expect(read('prefix=sk_AbC123xyZ').prefix).toBe('sk_AbC123xyZ');
    expect(read('prefix=sk_AbC123xyZ0123456789').prefix).toBe('sk_AbC123xyZ');
    expect(read(`prefix=${encodeURIComponent('sk_AbC123xyZ…[redacted]')}`).prefix).toBe('sk_AbC123xyZ');
    for (const bad of ['', 'sk_AbC123xy', 'SK_AbC123xyZ', 'sk_AbC123xy-', 'pk_AbC123xyZ', 'sk_AbC123xyZ…', 'sk_a&prefix=sk_b']) expect(refusal(`prefix=${bad}`)).toBe(LIST_QUERY_MESSAGES.prefix);
  });

  it('refuses a whole key given as prefix, however spelt, with a message that never repeats it', () => {
    const key = generateApiKey();
    for (const sent of [key, key.slice(0, 23), key.toUpperCase(), `${key}%20`, [...key].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('')]) {
      const message = refusal(`prefix=${encodeURIComponent(sent)}`);
      expect(message).toBe(LIST_QUERY_MESSAGES.wholeKey);
      expect(message).not.toContain(key.slice(3, 12));
    }
    // 19 characters after sk_ are still a start of a key, not a key.
    expect(read(`prefix=${key.slice(0, 22)}`).prefix).toBe(key.slice(0, 12));
  });

  it('refuses a whole key given as name_prefix, however spelt, never comparing it with names, with a message that never repeats it', () => {
    const key = generateApiKey();
    const spellings = [key, key.toLowerCase(), ` ${key} `, `my key ${key}`, key.replace('_', '\u200b_'), key.replace('_', '-'), [...key].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('')];
    for (const sent of spellings) {
      const message = refusal(`name_prefix=${encodeURIComponent(sent)}`);
      expect(message).toBe(LIST_QUERY_MESSAGES.wholeKeyInName);
      expect(message).not.toContain(key.slice(3, 12));
    }
    // Percent-encoded twice: the server decodes once, and what is left still spells the key (sk%5F…).
    expect(refusal(`name_prefix=${key.replace('_', '%255F')}`)).toBe(LIST_QUERY_MESSAGES.wholeKeyInName);
    // A name may start as a redacted key does (names are stored redacted), and a short start of a key is no key.
    expect(read(`name_prefix=${encodeURIComponent(`${key.slice(0, 12)}…[redacted]`)}`).namePrefix).toBe(`${key.slice(0, 12)}…[redacted]`);
    expect(read(`name_prefix=${key.slice(0, 22)}`).namePrefix).toBe(key.slice(0, 22));
  });

  it('refuses a name that reaches a prototype as the shape check does for every route', () => {
    expect(refusal('__proto__=1')).toBe('__proto__ is not a known field');
    expect(refusal('limit=5&constructor=x')).toBe('constructor is not a known field');
  });
});

/** The query DTO the route had while Nest served it: the oracle the parser must agree with. */
class NestListApiKeysQuery extends PageLimitRequest(DEFAULT_PAGE_SIZE) {
  @IsOptional()
  @UuidQueryParameter(LIST_QUERY_MESSAGES.startingAfter)
  starting_after?: string;

  @IsOptional()
  @IsIn(KEY_STATUSES, { message: LIST_QUERY_MESSAGES.status })
  status?: string;

  @IsOptional()
  @IsIn(LIST_INCLUDES, { message: LIST_QUERY_MESSAGES.include })
  include?: string;
}

describe('parseListApiKeysRequest against the validation pipe every Nest route uses', () => {
  const pipe = strictValidationPipe();
  const throughPipe = async (query: Record<string, unknown>) => {
    try {
      checkJsonShape(query);
      const read = (await pipe.transform(query, { type: 'query', metatype: NestListApiKeysQuery })) as NestListApiKeysQuery;
      return { limit: read.limit, startingAfter: read.starting_after ?? null, status: read.status ?? null, requestsPerHour: read.include !== undefined, namePrefix: null, prefix: null };
    } catch (error) {
      return { refused: (error as Error).message };
    }
  };
  const throughParser = (query: Record<string, string | string[] | undefined>) => {
    try {
      return parseListApiKeysRequest(query);
    } catch (error) {
      return { refused: (error as Error).message };
    }
  };

  const NAMES = ['limit', 'limit', 'starting_after', 'starting_after', 'status', 'status', 'include', 'include', 'colour', 'Limit', 'a[b]', '__proto__', 'constructor'];
  const VALUES = [
    '1', '20', '100', '0', '101', '-1', '+3', '007', '1e1', '0x10', ' 5', '5.0', '', 'abc', '99999999999999999',
    'active', 'disabled', 'expired', 'revoked', 'ACTIVE', '550e8400-e29b-41d4-a716-446655440000',
    '550E8400-E29B-41D4-A716-446655440000', '550e8400e29b41d4a716446655440000', 'sk_live_abc', 'requests_per_hour',
  ];

  it('gives the same reading or the same message for 3,000 random queries', async () => {
    const random = seededRandom(15);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const parts = Array.from({ length: Math.floor(random() * 4) }, () => `${pick(NAMES)}=${encodeURIComponent(pick(VALUES))}`);
      const query = parse(parts.join('&'));
      const expected = await throughPipe(query);
      if ('refused' in expected) refused++;
      expect({ query: parts.join('&'), answer: throughParser(query) }).toEqual({ query: parts.join('&'), answer: expected });
    }
    // Both kinds of answer are exercised, not only one.
    expect(refused).toBeGreaterThan(300);
    expect(refused).toBeLessThan(2700);
  });
});
