import { jest } from '@jest/globals';
import type Database from 'better-sqlite3';
import { checkpointEvery } from './periodic-checkpoints.js';

describe('checkpointEvery', () => {
  afterEach(() => jest.useRealTimers());

  /** A connection whose checkpoint throws while `failure` is set. */
  const database = (name: string) => {
    const db = {
      name,
      failure: null as string | null,
      pragma() {
        if (db.failure) throw new Error(db.failure);
      },
    };
    return db;
  };

  // A full disk (a 20 MB tmpfs filled by key creations under load): "checkpoint of … failed: database or disk is
  // full" was logged every second for the events log and again for the read model, 60 warn lines in a 30 s outage.
  it('tells of an outage once when it starts, again only if its reason changes, and once when a checkpoint succeeds again', () => {
    jest.useFakeTimers();
    let clock = 0;
    const events = database('/data/events.sqlite');
    const readModel = database('/data/read-model.sqlite');
    const lines: string[] = [];
    const stop = checkpointEvery([events, readModel] as unknown as Database.Database[], 1000, (line) => lines.push(line), () => clock);
    try {
      events.failure = readModel.failure = 'database or disk is full';
      for (let second = 0; second < 30; second++) {
        clock += 1000;
        jest.advanceTimersByTime(1000);
      }
      expect(lines).toEqual([
        'checkpoint of /data/events.sqlite failed: database or disk is full (retried every 1000 ms, logged again when it succeeds)',
        'checkpoint of /data/read-model.sqlite failed: database or disk is full (retried every 1000 ms, logged again when it succeeds)',
      ]);
      events.failure = 'disk I/O error';
      clock += 1000;
      jest.advanceTimersByTime(1000);
      events.failure = readModel.failure = null;
      clock += 1000;
      jest.advanceTimersByTime(1000);
      jest.advanceTimersByTime(5000);
      expect(lines.slice(2)).toEqual([
        'checkpoint of /data/events.sqlite still failing after 31 attempts, now: disk I/O error',
        'checkpoint of /data/events.sqlite succeeded again after 31 failed attempt(s) over 31.0 s',
        'checkpoint of /data/read-model.sqlite succeeded again after 31 failed attempt(s) over 31.0 s',
      ]);
    } finally {
      stop();
    }
  });
});
