import { ConcurrencyConflict, InvalidRequest } from '../../../shared/application/errors.js';
import { readIdempotencyKey } from './idempotency-key-header.js';
import { canonicalJson, idempotentRequest } from './idempotent-request.js';
import { IdempotentRequestsInFlight } from './idempotent-requests-in-flight.js';

const acme = { accountId: 'acme', actingKeyId: 'k_1' };

describe('idempotentRequest', () => {
  it('hashes the same request alike however its JSON is spelled, and another request otherwise', () => {
    const a = idempotentRequest('v', acme, 'create', { name: 'x', rate_limit: { requests: 1, per_seconds: 2 }, permissions: undefined });
    const b = idempotentRequest('v', acme, 'create', { rate_limit: { per_seconds: 2, requests: 1 }, name: 'x' });
    expect(b).toEqual(a);
    expect(idempotentRequest('v', acme, 'create', { name: 'y' }).requestHash).not.toBe(a.requestHash);
    expect(idempotentRequest('v', acme, 'roll', { name: 'x', rate_limit: { requests: 1, per_seconds: 2 } }).requestHash).not.toBe(a.requestHash);
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });

  it('names one claim per account, acting key and value, and keeps the value in none of it', () => {
    const value = `sk_${'Z'.repeat(38)}`;
    const claim = idempotentRequest(value, acme, 'create', {}).claimStreamId;
    expect(claim).toMatch(/^idempotency_key-[0-9a-f]{64}$/);
    expect(idempotentRequest(value, { ...acme, actingKeyId: 'k_2' }, 'create', {}).claimStreamId).not.toBe(claim);
    expect(idempotentRequest(value, { ...acme, accountId: 'globex' }, 'create', {}).claimStreamId).not.toBe(claim);
    expect(idempotentRequest(`${value}.`, acme, 'create', {}).claimStreamId).not.toBe(claim);
    expect(JSON.stringify(idempotentRequest(value, acme, 'create', {}))).not.toContain('ZZZZ');
  });
});

describe('readIdempotencyKey', () => {
  const read = (value: string | string[] | undefined) => readIdempotencyKey({ headers: { 'idempotency-key': value } });

  it('takes 1 to 255 printable ASCII characters, spaces inside; none is null', () => {
    expect(read(undefined)).toBeNull();
    expect(read('a')).toBe('a');
    expect(read(`a ${'~'.repeat(252)}b`)).toHaveLength(255);
  });

  it.each(['', ' a', 'a ', 'x'.repeat(256), 'clé', 'a\tb'])('refuses %j with 400 naming the header, never echoing it', (value) => {
    expect(() => read(value)).toThrow(new InvalidRequest('Idempotency-Key must be 1 to 255 printable ASCII characters.'));
  });
});

describe('IdempotentRequestsInFlight', () => {
  it('refuses a repeat while the first is answering (409, Retry-After 1), and lets it through once answered or failed', async () => {
    const inFlight = new IdempotentRequestsInFlight();
    const request = idempotentRequest('v', acme, 'create', {});
    let finish!: () => void;
    const first = inFlight.run(request, () => new Promise<string>((resolve) => (finish = () => resolve('first'))));
    await expect(inFlight.run(request, async () => 'repeat')).rejects.toEqual(new ConcurrencyConflict('A request with this Idempotency-Key is still in progress; retry shortly.', 1));
    expect(await inFlight.run(idempotentRequest('w', acme, 'create', {}), async () => 'another value')).toBe('another value');
    expect(await inFlight.run(null, async () => 'no header')).toBe('no header');
    finish();
    expect(await first).toBe('first');
    await expect(inFlight.run(request, async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    expect(await inFlight.run(request, async () => 'repeat')).toBe('repeat');
  });
});
