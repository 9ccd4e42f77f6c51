import { jest } from '@jest/globals';
import { CommanderError } from 'commander';
import { InvalidRequest, PreconditionFailed, ServiceUnavailable, UnknownReference } from '../shared/application/errors.js';
import { InvalidConfigurationError } from '../shared/config/invalid-configuration.error.js';
import { KeyNotFound } from '../keys/domain/api-key-errors.js';
import { EXIT } from './exit-codes.js';
import { reportFailure } from './report-failure.js';

describe('reportFailure: the exit code says what kind of failure it was', () => {
  let written: string[];
  beforeEach(() => {
    written = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['a usage error', new CommanderError(1, 'commander.unknownOption', "error: unknown option '--colour'"), EXIT.usage],
    ['a bad setting', new InvalidConfigurationError('Invalid configuration: PORT must be an integer'), EXIT.failure],
    ['no such key', new KeyNotFound('550e8400-e29b-41d4-a716-446655440000'), EXIT.notFound],
    ['a cursor naming no key of the account (the API answers 404)', new UnknownReference('starting_after: no such API key in this account.'), EXIT.notFound],
    ['a malformed request', new InvalidRequest('limit must be 1-100'), EXIT.usage],
    ['a stale --if-match', new PreconditionFailed('If-Match: the key has changed'), EXIT.failure],
    ['a store not there', new ServiceUnavailable('the read models are catching up'), EXIT.failure],
    ['anything else', new Error('connect ECONNREFUSED 127.0.0.1:1'), EXIT.failure],
  ])('%s', (_case, error, code) => {
    expect(reportFailure(error, 'parsesphere-keys')).toBe(code);
    expect(written).toHaveLength(1);
  });
});
