import { Worker } from 'node:worker_threads';
import { reportedOnce } from './event-log-damage.js';

describe('reportedOnce', () => {
  // Each thread's connection to the log logged the damage its readers met: two lines a process.
  it('lets the first message through, of every reporter sharing the flag, on any thread', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const lines: string[] = [];
    // Another thread takes the flag first, as the projection thread may.
    const worker = new Worker('Atomics.compareExchange(require("node:worker_threads").workerData, 0, 0, 1)', { eval: true, workerData: flag });
    await new Promise((resolve) => worker.once('exit', resolve));
    reportedOnce(flag, (message) => lines.push(message))('request thread');
    expect(lines).toEqual([]);

    const fresh = new Int32Array(new SharedArrayBuffer(4));
    const first = reportedOnce(fresh, (message) => lines.push(`first: ${message}`));
    const second = reportedOnce(fresh, (message) => lines.push(`second: ${message}`));
    second('damaged');
    first('damaged');
    second('damaged again');
    expect(lines).toEqual(['second: damaged']);
  });
});
