import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { Environment } from '../../../shared/config/environment.js';
import { VerifyOutcomes } from './verify-outcomes.js';

describe('VerifyOutcomes summary line', () => {
  let lines: Record<string, unknown>[];
  let monotonic: number;
  let wall: number;
  let outcomes: VerifyOutcomes;

  beforeEach(() => {
    lines = [];
    monotonic = 1_000;
    wall = 1_800_000_000_000;
    jest.spyOn(performance, 'now').mockImplementation(() => monotonic);
    jest.spyOn(Date, 'now').mockImplementation(() => wall);
    jest.spyOn(Logger.prototype, 'log').mockImplementation((line: unknown) => void lines.push(line as Record<string, unknown>));
    outcomes = new VerifyOutcomes(Object.assign(new Environment(), { VERIFY_LOG_SUMMARY_SECONDS: 60 }));
    outcomes.onApplicationBootstrap();
  });
  afterEach(() => {
    outcomes.onModuleDestroy();
    jest.restoreAllMocks();
  });

  it('gives the counts and the seconds they were counted in', () => {
    outcomes.count('VALID');
    outcomes.count('VALID');
    outcomes.count('UNAUTHENTICATED');
    monotonic += 60_000;
    wall += 60_000;
    outcomes.logSummary();
    expect(lines).toEqual([
      { msg: 'verify summary', route: 'POST /v1/keys/verify', seconds: 60, total: 3, outcomes: { VALID: 2, UNAUTHENTICATED: 1 } },
    ]);
  });

  // operations.md, "A clock stepped on a running instance": the log's durations are monotonic.
  it('times the interval on the monotonic clock: a wall-clock step back of an hour within it is not in its seconds', () => {
    outcomes.count('VALID');
    monotonic += 60_000;
    wall += 60_000 - 3_600_000;
    outcomes.logSummary();
    expect(lines[0]).toMatchObject({ seconds: 60, total: 1 });
  });

  it('logs nothing for an interval without a request', () => {
    monotonic += 60_000;
    outcomes.logSummary();
    expect(lines).toEqual([]);
  });
});
