// Cost of the request-edge checks per request, against what a request already pays: run after `npx tsc -p tsconfig.build.json`.
//   node bench/request-edge.mjs
import express from 'express';
import { checkJsonShape } from '../dist/shared/http/json-shape.js';
import { allowedInstead, servedRoutes } from '../dist/shared/http/method-not-allowed.middleware.js';

function timePerCall(name, fn, iterations) {
  for (let i = 0; i < Math.min(iterations, 10_000); i++) fn();
  const best = [];
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    best.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  const ns = Math.min(...best);
  console.log(`${name.padEnd(62)} ${ns < 1000 ? `${ns.toFixed(0)} ns` : `${(ns / 1000).toFixed(1)} µs`}`);
}

const bodies = {
  'typical create body (58 B)': JSON.stringify({ name: 'Production API Key', rate_limit: { requests: 1000, per_seconds: 60 } }),
  'widest accepted body: 1,000 small objects (16 KiB)': JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ a: i }))).slice(0, 16 * 1024 - 10).replace(/,[^,]*$/, ']'),
  'deepest accepted body: 32 levels (0.2 KiB)': `${'['.repeat(32)}1${']'.repeat(32)}`,
  'refused: 5,000 levels (10 KiB)': `${'['.repeat(5000)}1${']'.repeat(5000)}`,
};
for (const [name, text] of Object.entries(bodies)) {
  const value = JSON.parse(text);
  const iterations = text.length > 4096 ? 5_000 : 200_000;
  timePerCall(`JSON.parse, ${name}`, () => JSON.parse(text), iterations);
  timePerCall(`checkJsonShape, ${name}`, () => {
    try {
      checkJsonShape(value);
    } catch {
      // the refused body
    }
  }, iterations);
}

// The app's routes, as Nest registers them on express.
const app = express();
const noop = () => undefined;
app.get('/docs-json', noop);
app.get('/docs', noop);
app.post('/v1/api-keys', noop);
app.get('/v1/api-keys', noop);
app.get('/v1/api-keys/:id', noop);
app.get('/v1/api-keys/:id/events', noop);
app.delete('/v1/api-keys/:id', noop);
app.get('/v1/alerts', noop);
app.get('/health', noop);
app.get('/health/ready', noop);
app.get('/dashboard', noop);
app.get('/dashboard/assets/:version/*path', noop);
const routes = servedRoutes(app, [{ method: 'POST', path: '/v1/keys/verify', served: true }]);
timePerCall('405 check, GET /health (served)', () => allowedInstead(routes, 'GET', '/health'), 200_000);
timePerCall('405 check, DELETE /v1/api-keys/<uuid> (served)', () => allowedInstead(routes, 'DELETE', '/v1/api-keys/550e8400-e29b-41d4-a716-446655440000'), 200_000);
timePerCall('405 check, PUT /v1/api-keys (refused)', () => allowedInstead(routes, 'PUT', '/v1/api-keys'), 200_000);
