import { jest } from '@jest/globals';
import { CommanderError } from 'commander';
import { ConcurrencyConflict, InvalidRequest, PreconditionFailed, ServiceUnavailable, UnknownReference } from '../shared/application/errors.js';
import { StoreDamagedError } from '../shared/storage/store-damaged.error.js';
import { StoreUnavailableError } from '../shared/storage/store-unavailable.error.js';
import { InvalidConfigurationError } from '../shared/config/invalid-configuration.error.js';
import { ExpiryInvalid, KeyNotFound } from '../keys/domain/api-key-errors.js';
import { EXIT } from './exit-codes.js';
import { reportFailure } from './report-failure.js';

/** What the CLI writes to stderr during each test, captured: the lines, filled afresh for each test. */
function stderrLines(): string[] {
  const written: string[] = [];
  beforeEach(() => {
    written.length = 0;
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());
  return written;
}

describe('reportFailure: the exit code says what kind of failure it was', () => {
  const written = stderrLines();

  it.each([
    ['a usage error', new CommanderError(1, 'commander.unknownOption', "error: unknown option '--colour'"), EXIT.usage],
    ['a bad setting', new InvalidConfigurationError('Invalid configuration: PORT must be an integer'), EXIT.failure],
    ['no such key', new KeyNotFound('550e8400-e29b-41d4-a716-446655440000'), EXIT.notFound],
    ['a cursor naming no key of the account (the API answers 404)', new UnknownReference('starting_after: no such API key in this account.'), EXIT.notFound],
    ['a malformed request', new InvalidRequest('limit must be 1-100'), EXIT.usage],
    ['a stale --if-match', new PreconditionFailed('If-Match: the key has changed'), EXIT.failure],
    ['a service that cannot answer now', new ServiceUnavailable('the read models are catching up'), EXIT.temporary],
    ['a store that did not answer', new StoreUnavailableError('MongoDB', new Error('connect ECONNREFUSED 127.0.0.1:1')), EXIT.temporary],
    ['a damaged store (no wait mends it)', new StoreDamagedError('The event log', new Error('database disk image is malformed')), EXIT.failure],
    ['a conflict', new ConcurrencyConflict('another change to this key is in progress'), EXIT.failure],
    ['anything else', new Error('connect ECONNREFUSED 127.0.0.1:1'), EXIT.failure],
  ])('%s', (_case, error, code) => {
    expect(reportFailure(error, 'parsesphere-keys')).toBe(code);
    expect(written).toHaveLength(1);
  });
});

describe('reportFailure: a refusal of the key rules names the CLI option, not the API field', () => {
  const written = stderrLines();

  it.each([
    ['expires_in_seconds is beyond the maximum key lifetime of 3600 seconds (MAX_KEY_LIFETIME_SECONDS).', '--expires-in is beyond the maximum key lifetime of 3600 seconds (MAX_KEY_LIFETIME_SECONDS).'],
    ['expires_at must be in the future.', '--expires-at must be in the future.'],
    ['grace_seconds must be an integer from 0 to 604800.', '--grace must be an integer from 0 to 604800.'],
    ['close_when_idle_seconds must be an integer from 1 to 604800.', '--close-when-idle must be an integer from 1 to 604800.'],
    ['rate_limit must allow 1-1000000 requests per 1-86400 seconds.', '--rate-limit must allow 1-1000000 requests per 1-86400 seconds.'],
    ['name must be between 1 and 100 characters.; allowed_ips must list at most 64 addresses or CIDR blocks.', '--name must be between 1 and 100 characters.; --allowed-ips must list at most 64 addresses or CIDR blocks.'],
    ['The key is revoked.', 'The key is revoked.'],
  ])('%s', (message, reworded) => {
    reportFailure(new ExpiryInvalid(message), 'parsesphere-keys');
    reportFailure(new InvalidRequest(message), 'parsesphere-keys');
    expect(written).toEqual([`error: ${reworded}\n`, `error: ${reworded}\n`]);
  });

  it('list --starting-after naming no key of the account is said by the option, exit 3', () => {
    expect(reportFailure(new UnknownReference('starting_after: no such API key in this account.'), 'parsesphere-keys')).toBe(EXIT.notFound);
    expect(written).toEqual(['error: --starting-after: no such API key in this account.\n']);
  });
});
