import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signWebhookPayload } from '../../src/anomalies/delivery/webhook-signature.js';

type Verify = (rawBody: Buffer, header: unknown, secret: string, toleranceSeconds?: number) => boolean;

/**
 * docs/design-notes.md, "The alert webhook, for receivers", gives receivers a Node function that checks the
 * ParseSphere-Signature header; they copy it as it is. It is run here, as written, against what the service signs.
 */
function receiverSnippet(): Verify {
  const notes = readFileSync('docs/design-notes.md', 'utf8');
  const section = notes.slice(notes.indexOf('### The alert webhook, for receivers'));
  const code = /```js\n([\s\S]*?)\n\s*```/.exec(section)?.[1] ?? '';
  expect(code).toContain("import { createHmac, timingSafeEqual } from 'node:crypto';");
  const body = code.replace(/^\s*import .*$/m, '');
  return new Function('createHmac', 'timingSafeEqual', `${body}\nreturn verify;`)(createHmac, timingSafeEqual) as Verify;
}

describe("the receivers' signature check in docs/design-notes.md", () => {
  const verify = receiverSnippet();
  const secret = 'whsec_0123456789abcdefXYZ';
  const raw = Buffer.from('{"id":"92ebf3e996d81974891eaa4a81c0bf24","type":"anomaly.detected","data":{"ip":"203.0.113.7"}}');
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts what the service signs, now and up to 300 s either way', () => {
    expect(verify(raw, signWebhookPayload(raw, secret, now()), secret)).toBe(true);
    expect(verify(raw, signWebhookPayload(raw, secret, now() - 290), secret)).toBe(true);
    expect(verify(raw, signWebhookPayload(raw, secret, now() + 290), secret)).toBe(true);
  });

  it('refuses another body, another secret, an old or missing header, and a v1 that is no signature', () => {
    const header = signWebhookPayload(raw, secret, now());
    expect(verify(Buffer.from(`${raw.toString()} `), header, secret)).toBe(false);
    expect(verify(raw, header, `${secret}x`)).toBe(false);
    expect(verify(raw, signWebhookPayload(raw, secret, now() - 400), secret)).toBe(false);
    expect(verify(raw, undefined, secret)).toBe(false);
    expect(verify(raw, `t=${now()},v1=abc`, secret)).toBe(false);
  });

  it('accepts either secret of a rotation, which the service signs with both (ALERT_WEBHOOK_SECRET_PREVIOUS)', () => {
    const next = 'whsec_the_new_one_0123456789';
    const header = signWebhookPayload(raw, [next, secret], now());
    expect(verify(raw, header, secret)).toBe(true);
    expect(verify(raw, header, next)).toBe(true);
    expect(verify(raw, header, `${secret}x`)).toBe(false);
  });

  it('ignores parts it does not know, such as a future v2', () => {
    expect(verify(raw, `${signWebhookPayload(raw, secret, now())},v2=${'0'.repeat(64)}`, secret)).toBe(true);
  });
});
