import { availableParallelism } from 'node:os';

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.contract-spec.ts'],
  testTimeout: 30000,
  // ESM test files run in vm contexts whose modules node never frees: one process running every file in turn
  // grew past 2 GB by the 56th of 245 and slowed every later file with garbage collection. A limit makes jest run
  // the files in a worker and start a fresh one whenever a file leaves its heap above it.
  workerIdleMemoryLimit: '600MB',
  // Jest's default, one worker less than the cores, is a single worker on a 2-core machine; but most of an e2e file's
  // time is spent waiting on processes it started (the service, the CLI, FerretDB), and one worker left the second
  // core idle for much of the run. Files that share a server keep apart by database (a test's own MongoDB database,
  // the worker's Redis database: test/support/redis.ts).
  maxWorkers: Math.max(2, availableParallelism() - 1),
  globalSetup: '<rootDir>/test/global-setup.js',
};
