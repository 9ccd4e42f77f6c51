import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { REMOVAL_CHUNK_ROWS } from './stream-start-removal.js';

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

/** Another process's writer: tries a write without waiting, again and again, and says when each one got the lock. */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const probe = db.prepare("INSERT INTO write_probe (id, probed_at) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at");
const wrote = [];
let stop = false;
parentPort.on('message', () => (stop = true));
(function attempt() {
  try { probe.run(); wrote.push(performance.timeOrigin + performance.now()); } catch {}
  if (stop) { db.close(); parentPort.postMessage(wrote); } else setImmediate(attempt);
})();
`;

describe('removeStreamStart on the embedded log', () => {
  it("lets another process's writes in while it removes a busy key's uses, removing them newest first", async () => {
    const dir = makeTempDir('stream-start-removal');
    const file = join(dir.path, 'events.sqlite');
    const store = new SqliteEventStore(file);
    try {
      const uses = 6 * REMOVAL_CHUNK_ROWS;
      for (let from = 0; from < uses; from += 1000) {
        const events = Array.from({ length: 1000 }, (_, i) => ({ type: 'KeyUsed', schemaVersion: 1, data: { n: from + i, padding: 'x'.repeat(200) } }));
        await store.appendToStream('api_key_usage-k1', events, 'any');
      }
      await store.ping();
      const writer = new Worker(WRITER, { eval: true, workerData: { file, driver } });
      const wrote = new Promise<number[]>((resolve) => writer.once('message', resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const began = performance.timeOrigin + performance.now();
      const removing = store.removeStreamStart('api_key_usage-k1', uses - 10);
      expect(await removing).toBe(uses - 10);
      const ended = performance.timeOrigin + performance.now();
      writer.postMessage('stop');
      const times = await wrote;
      await writer.terminate();
      // The longest the writer found the lock taken, while the removal ran: a chunk's time, not the removal's.
      const got = [began, ...times.filter((at) => at > began && at < ended), ended];
      const longestWait = Math.max(...got.slice(1).map((at, i) => at - got[i]));
      expect(longestWait).toBeLessThan((ended - began) / 3);
      expect((await store.readStream('api_key_usage-k1')).map((event) => event.revision)).toEqual([...Array(10).keys()].map((i) => uses - 10 + i));
    } finally {
      await store.close();
      dir.remove();
    }
  }, 30_000);

  it('cut short, leaves the start of the stream and removes none of it before the newest (a gap its archive explains)', async () => {
    const dir = makeTempDir('stream-start-removal');
    const store = new SqliteEventStore(join(dir.path, 'events.sqlite'));
    try {
      const uses = 3 * REMOVAL_CHUNK_ROWS;
      const events = Array.from({ length: uses }, (_, n) => ({ type: 'KeyUsed', schemaVersion: 1, data: { n } }));
      await store.appendToStream('api_key_usage-k1', events, 'no_stream');
      const writing = (store as unknown as { writing: (work: () => unknown) => Promise<unknown> }).writing.bind(store);
      let chunks = 0;
      (store as unknown as { writing: typeof writing }).writing = (work) => (++chunks === 2 ? Promise.reject(new Error('killed')) : writing(work));
      await expect(store.removeStreamStart('api_key_usage-k1', uses - 10)).rejects.toThrow('killed');
      const held = (await store.readStream('api_key_usage-k1')).map((event) => event.revision);
      const newest = uses - 10 - REMOVAL_CHUNK_ROWS;
      expect(held).toEqual([...[...Array(newest).keys()], ...[...Array(10).keys()].map((i) => uses - 10 + i)]);
    } finally {
      await store.close();
      dir.remove();
    }
  });
});
