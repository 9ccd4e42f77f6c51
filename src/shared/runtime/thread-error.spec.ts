import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { threadErrorMessage } from './thread-error.js';

describe('threadErrorMessage', () => {
  it('says what a SQLite error thrown in a worker thread was, though it arrives without its message', async () => {
    const worker = new Worker(
      `const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))}); new Database(':memory:').prepare('SELEC 1');`,
      { eval: true },
    );
    const error = await new Promise<unknown>((resolve) => worker.on('error', resolve));
    expect(threadErrorMessage(error)).toBe('SQLITE_ERROR');
  });

  it('gives an error’s message, else its code, else the value', () => {
    expect(threadErrorMessage(new Error('boom'))).toBe('boom');
    expect(threadErrorMessage({ code: 'SQLITE_FULL' })).toBe('SQLITE_FULL');
    expect(threadErrorMessage(undefined)).toBe('undefined');
  });
});
