import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openEventLog } from './event-log-database.js';
import { EventReadsByType, POSITIONS_OF_ONE_TYPE } from './event-reads-by-type.js';

const TYPES = ['KeyUsed', 'KeyCreated', 'KeyRevoked', 'AnomalyDetected', 'AuthenticationFailed'];

describe('EventReadsByType', () => {
  let dir: string;
  let db: Database.Database;
  let reads: EventReadsByType;
  let log: { position: number; type: string }[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-reads-by-type-'));
    db = openEventLog(join(dir, 'events.sqlite'), 'NORMAL');
    const insert = db.prepare(
      `INSERT INTO events (event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, 1, ?, '{}', '2026-12-02T00:00:00.000Z')`,
    );
    // Uses are most of a log; the other types come rarely and unevenly.
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        const roll = random();
        const type = roll < 0.85 ? TYPES[0] : TYPES[1 + Math.floor(random() * 4)];
        insert.run(`e${i}`, `s${i}`, 0, type, JSON.stringify({ i }));
      }
    })();
    log = db.prepare<[], { position: number; type: string }>('SELECT position, type FROM events ORDER BY position').all();
    reads = new EventReadsByType(db);
  });

  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expected = (after: number, types: readonly string[], limit: number) =>
    log.filter((row) => row.position > after && types.includes(row.type)).slice(0, limit).map((row) => row.position);
  const positions = (after: number, types: readonly string[], limit: number) => reads.positions(after, types, limit);
  const read = (after: number, types: readonly string[], limit: number) => reads.rows(positions(after, types, limit));

  it('answers what filtering the whole log would, for one type and for several, at any start and limit', () => {
    const cases: [number, string[], number][] = [];
    for (const after of [0, 1, 17, 1500, 2990, 3000, 5000]) {
      for (const types of [['KeyUsed'], ['KeyRevoked'], ['KeyCreated', 'KeyRevoked'], TYPES, ['KeyUsed', 'AnomalyDetected'], ['Missing'], ['KeyRevoked', 'Missing']]) {
        for (const limit of [1, 3, 100, 5000]) cases.push([after, types, limit]);
      }
    }
    for (const [after, types, limit] of cases) expect([after, types, limit, positions(after, types, limit)]).toEqual([after, types, limit, expected(after, types, limit)]);
  });

  it('counts what filtering the whole log would, up to the limit, from the index alone', () => {
    for (const after of [0, 17, 1500, 2990, 3000]) {
      for (const types of [['KeyUsed'], ['KeyRevoked'], ['KeyCreated', 'KeyRevoked'], TYPES, ['KeyUsed', 'KeyUsed'], ['Missing'], []]) {
        for (const limit of [1, 3, 100, 2600, 5000]) {
          expect([after, types, limit, reads.count(after, types, limit)]).toEqual([after, types, limit, expected(after, types, limit).length]);
        }
      }
    }
  });

  it('reads the rows at any positions, a span mostly wanted (read whole) or a few spread out (picked)', () => {
    const uses = expected(0, ['KeyUsed'], 3000);
    const cases = [
      uses.slice(100, 400),
      uses.slice(0, 1),
      expected(0, ['KeyRevoked'], 3000),
      expected(0, ['KeyUsed', 'KeyCreated'], 3000).filter((_, i) => i % 2 === 0),
      expected(0, ['KeyUsed', 'KeyCreated'], 3000).filter((_, i) => i % 3 === 0),
      [1, 2, 3, 2999, 3000],
      [],
    ];
    for (const wanted of cases) expect(reads.rows(wanted).map(([position]) => position)).toEqual(wanted);
  });

  it('reads each event whole, in log order', () => {
    const rows = read(0, ['KeyRevoked', 'KeyCreated'], 5);
    expect(rows.map((row) => row[4])).toEqual(log.filter((row) => row.type === 'KeyRevoked' || row.type === 'KeyCreated').slice(0, 5).map((row) => row.type));
    for (const [position, eventId, streamId, revision, , schemaVersion, data, metadata, recordedAt] of rows) {
      expect([eventId, streamId, revision, schemaVersion, metadata, recordedAt]).toEqual([`e${position - 1}`, `s${position - 1}`, 0, 1, '{}', '2026-12-02T00:00:00.000Z']);
      expect(JSON.parse(data)).toEqual({ i: position - 1 });
    }
  });

  it('reads a type twice named once', () => {
    expect(positions(0, ['KeyRevoked', 'KeyRevoked'], 50)).toEqual(expected(0, ['KeyRevoked'], 50));
  });

  it('finds the rare events without walking the uses between them, and without sorting', () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${POSITIONS_OF_ONE_TYPE}`).all('KeyRevoked', 0, 10) as { detail: string }[]).map((step) => step.detail);
    expect(plan).toEqual(['SEARCH events USING COVERING INDEX events_by_type (type=? AND position>?)']);
  });
});
