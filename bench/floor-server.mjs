// The floor for (b): a bare node:http server, in its own process, that does only what any JSON POST
// route must do — read the body, parse it, answer a verify-shaped JSON object — and nothing of this
// service (no credential, hashing, key table, limits or usage). The benchmark loads it exactly like
// POST /v1/keys/verify, so (b) / (e) shows what the service's own work costs on this machine, and
// (e)'s p99 shows the latency this machine and load generator allow a POST route at all.
// A GET (bench/stores.mjs loads it like GET /v1/api-keys) is answered with a page of 20 listing-shaped keys,
// built once: the floor of a read route, which serializes what it answers but looks nothing up.
import http from 'node:http';

const port = Number(process.argv[2]);
const page = JSON.stringify({
  data: Array.from({ length: 20 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `key ${i}`,
    prefix: 'sk_0123456789ab',
    status: 'active',
    rate_limit: { requests: 100, per_seconds: 60 },
    request_count: 8,
    created_at: '2026-12-01T00:00:00.000Z',
    last_used_at: '2026-12-01T07:00:00.000Z',
    revoked_at: null,
  })),
  has_more: true,
});
const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    req.resume();
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(page));
    res.end(page);
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const { key } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const json = JSON.stringify({
      valid: true,
      key_id: '00000000-0000-4000-8000-000000000000',
      account_id: 'floor',
      name: `floor for ${key.length} characters`,
      rate_limit: { limit: 1000000, remaining: 999999, reset: 1 },
    });
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(json));
    res.end(json);
  });
});
server.listen(port, '127.0.0.1', () => process.send?.('listening'));
