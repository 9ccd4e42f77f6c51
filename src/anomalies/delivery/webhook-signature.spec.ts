import { createHmac } from 'node:crypto';
import {
  computeWebhookSignature,
  parseWebhookSignatureHeader,
  signWebhookPayload,
  verifyWebhookSignature,
} from './webhook-signature.js';

const secret = 'whsec_test_0123456789abcdef';
const body = '{"id":"alert-1","type":"anomaly.detected"}';
const t = 1_750_000_000;

describe('webhook signature', () => {
  it('signs as t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhookPayload(body, secret, t)).toBe(`t=${t},v1=${expected}`);
    expect(computeWebhookSignature(Buffer.from(body), secret, t)).toBe(expected);
    expect(signWebhookPayload(body, secret, t + 0.9)).toBe(`t=${t},v1=${expected}`);
  });

  it('accepts a valid signature, as a string or as the raw bytes, within the tolerance either way', () => {
    const header = signWebhookPayload(body, secret, t);
    expect(verifyWebhookSignature(body, header, secret, t)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body), header, secret, t + 300)).toBe(true);
    expect(verifyWebhookSignature(body, header, secret, t - 300)).toBe(true);
    expect(verifyWebhookSignature(body, ` t=${t} , v1=${header.split('v1=')[1].toUpperCase()} `, secret, t)).toBe(true);
  });

  it('refuses a tampered body', () => {
    const header = signWebhookPayload(body, secret, t);
    expect(verifyWebhookSignature(body.replace('alert-1', 'alert-2'), header, secret, t)).toBe(false);
    expect(verifyWebhookSignature(`${body} `, header, secret, t)).toBe(false);
  });

  it('refuses a tampered timestamp (the timestamp is signed too)', () => {
    const header = signWebhookPayload(body, secret, t);
    expect(verifyWebhookSignature(body, header.replace(`t=${t}`, `t=${t + 1}`), secret, t)).toBe(false);
  });

  it('refuses the wrong secret, and an empty one', () => {
    const header = signWebhookPayload(body, secret, t);
    expect(verifyWebhookSignature(body, header, `${secret}x`, t)).toBe(false);
    expect(verifyWebhookSignature(body, signWebhookPayload(body, '', t), '', t)).toBe(false);
  });

  it('refuses a stale or future timestamp beyond the tolerance, even when correctly signed', () => {
    const header = signWebhookPayload(body, secret, t);
    expect(verifyWebhookSignature(body, header, secret, t + 301)).toBe(false);
    expect(verifyWebhookSignature(body, header, secret, t - 301)).toBe(false);
    expect(verifyWebhookSignature(body, header, secret, t + 60, 30)).toBe(false);
    expect(verifyWebhookSignature(body, header, secret, t + 60, 60)).toBe(true);
  });

  it('accepts any of several v1 values (secret rotation) and ignores unknown schemes', () => {
    const good = computeWebhookSignature(body, secret, t);
    const other = computeWebhookSignature(body, 'old-secret', t);
    expect(verifyWebhookSignature(body, `t=${t},v1=${other},v1=${good}`, secret, t)).toBe(true);
    expect(verifyWebhookSignature(body, `t=${t},v0=abc,v1=${good}`, secret, t)).toBe(true);
    expect(verifyWebhookSignature(body, `t=${t},v1=${other}`, secret, t)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no v1', `t=${t}`],
    ['no separator', `t${t},v1${'a'.repeat(64)}`],
    ['non-numeric timestamp', `t=abc,v1=${'a'.repeat(64)}`],
    ['negative timestamp', `t=-5,v1=${'a'.repeat(64)}`],
    ['two timestamps', `t=${t},t=${t},v1=${'a'.repeat(64)}`],
    ['short v1', `t=${t},v1=${'a'.repeat(63)}`],
    ['non-hex v1', `t=${t},v1=${'g'.repeat(64)}`],
    ['garbage', 'Bearer something'],
  ])('refuses a malformed header (%s) without throwing', (_label, header) => {
    expect(verifyWebhookSignature(body, header as string | null | undefined, secret, t)).toBe(false);
  });

  it('parses a well-formed header', () => {
    const good = computeWebhookSignature(body, secret, t);
    expect(parseWebhookSignatureHeader(`t=${t},v1=${good}`)).toEqual({ timestamp: t, signatures: [good] });
    expect(parseWebhookSignatureHeader('t=1')).toBeNull();
  });
});
