// Cost of redacting client-supplied text before it is recorded (src/shared/domain/secret-redaction.ts), per call,
// on the built code: a typical User-Agent, a 2 KB string without a key, a 2 KB string with keys, a request target.
// Usage: npm run build && node bench/secret-redaction.mjs   → one line per case: ns per call (median of 7 rounds).
import { generateApiKey } from '../dist/keys/domain/api-key-secret.js';
import { redactRequestTarget, redactSecrets } from '../dist/shared/domain/secret-redaction.js';

const key = generateApiKey();
const userAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const filler = 'lorem ipsum dolor sit amet, consectetur adipiscing elit x86_64 ';
const twoKb = filler.repeat(Math.ceil(2048 / filler.length)).slice(0, 2048);
const twoKbSkWords = twoKb.replaceAll('amet', 'task_definitions risk_assessment').slice(0, 2048);
const twoKbWithKeys = `${twoKb.slice(0, 600)}${key}${twoKb.slice(600, 1400)}${key}${twoKb.slice(1400 + 2 * key.length)}`;
const cases = [
  ['redactSecrets: typical User-Agent (no key)', () => redactSecrets(userAgent)],
  ['redactSecrets: User-Agent with a key', () => redactSecrets(`sdk/1.2 ${key}`)],
  ['redactSecrets: 2 KB, no sk_ at all', () => redactSecrets(twoKb)],
  ['redactSecrets: 2 KB, 46 short sk_ words, no key', () => redactSecrets(twoKbSkWords)],
  ['redactSecrets: 2 KB with 2 keys', () => redactSecrets(twoKbWithKeys)],
  ['redactRequestTarget: /v1/parses', () => redactRequestTarget('/v1/parses')],
  ['redactRequestTarget: /v1/parses?api_key=<key>&page=2', () => redactRequestTarget(`/v1/parses?api_key=${key}&page=2`)],
];

const ITERATIONS = 200_000;
let sink = 0;
for (const [name, run] of cases) {
  for (let i = 0; i < 20_000; i++) sink += run().length;
  const rounds = [];
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) sink += run().length;
    rounds.push(Number(process.hrtime.bigint() - start) / ITERATIONS);
  }
  rounds.sort((a, b) => a - b);
  console.log(`${name}: ${rounds[3].toFixed(0)} ns/call`);
}
if (sink === 0) console.log('');
