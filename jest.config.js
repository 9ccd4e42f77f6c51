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
  globalSetup: '<rootDir>/test/global-setup.js',
};
