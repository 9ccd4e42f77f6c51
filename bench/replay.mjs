// `npm run bench:replay`: writes 1,000,000 events to a fresh embedded store, then in the same run
// measures the raw read rate of the log and the rate of a full rebuild of every read model.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../dist/infrastructure/sqlite/sqlite-event-store.js';
import { rebuildReadModels } from '../dist/app/projections/rebuild-read-models.js';
import { openReadModelStorage } from '../dist/app/storage/storage.js';
import { loadEnvironment } from '../dist/shared/config/environment.js';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const KEYS = 10_000;
const WRITE_BATCH = 10_000;
const READ_BATCH = 5000;

const dir = mkdtempSync(join(tmpdir(), 'psk-replay-'));
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

try {
  const store = new SqliteEventStore(join(dir, 'events.sqlite'));
  const keys = Array.from({ length: KEYS }, () => randomUUID());
  const start = Date.parse('2026-01-01T00:00:00Z');

  let written = 0;
  const writeStarted = process.hrtime.bigint();
  await store.appendToStreams(
    keys.map((keyId, i) => ({
      streamId: `api_key-${keyId}`,
      expectedRevision: 'no_stream',
      events: [
        {
          type: 'KeyCreated',
          schemaVersion: 1,
          data: {
            keyId,
            accountId: `acct_${i % 100}`,
            name: `key ${i}`,
            prefix: 'sk_benchmark',
            secretHash: randomUUID().replaceAll('-', '').padEnd(64, '0'),
            rateLimit: { requests: 1000, perSeconds: 60 },
            createdAt: new Date(start).toISOString(),
            actingKeyId: null,
          },
        },
      ],
    })),
  );
  written += KEYS;
  while (written < TOTAL) {
    const batch = new Map();
    for (let i = 0; i < WRITE_BATCH && written < TOTAL; i++, written++) {
      const keyId = keys[written % KEYS];
      const usedAt = new Date(start + written * 100).toISOString();
      const event = {
        type: 'KeyUsed',
        schemaVersion: 1,
        data: { keyId, accountId: 'acct', usedAt, requestId: `req_${written}`, ip: `10.0.${written % 4}.${written % 200}`,
          userAgent: 'bench', method: 'POST', path: '/v1/parses', outcome: 'accepted' },
      };
      const events = batch.get(keyId) ?? [];
      events.push(event);
      batch.set(keyId, events);
    }
    await store.appendToStreams([...batch].map(([keyId, events]) => ({ streamId: `api_key_usage-${keyId}`, events, expectedRevision: 'any' })));
  }
  const writeSeconds = seconds(writeStarted);

  const readStarted = process.hrtime.bigint();
  let read = 0;
  for (let after = null; ; ) {
    const batch = await store.readAll({ after, maxCount: READ_BATCH });
    if (batch.length === 0) break;
    read += batch.length;
    after = batch[batch.length - 1].position;
  }
  const readSeconds = seconds(readStarted);

  // What `npm run cli -- replay` rebuilds, built the way it builds them.
  const config = loadEnvironment({ DATA_DIR: dir });
  const storage = await openReadModelStorage(config, { walCheckpoints: true, onWarning: (message) => console.warn(message) });
  const rebuilt = await rebuildReadModels(store, config, { live: storage, log: () => undefined });
  await storage.close();
  await store.close();

  const readRate = Math.round(read / readSeconds);
  const rebuildRate = Math.round(rebuilt.events / rebuilt.seconds);
  const ratio = rebuildRate / readRate;
  const results = {
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    events: TOTAL,
    writeEventsPerSecond: Math.round(written / writeSeconds),
    rawReadEventsPerSecond: readRate,
    rebuildEventsPerSecond: rebuildRate,
    rebuildSeconds: Number(rebuilt.seconds.toFixed(2)),
    rebuildToReadRatio: Number(ratio.toFixed(2)),
    targets: {
      'rebuild >= 100,000 events/s': rebuildRate >= 100_000 ? 'PASS' : 'MISS',
      'rebuild/read >= 0.5': ratio >= 0.5 ? 'PASS' : 'MISS',
    },
  };
  console.log(JSON.stringify(results, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
