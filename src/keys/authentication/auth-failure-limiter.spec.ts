import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Environment } from '../../shared/config/environment.js';
import { NO_METRICS } from '../../shared/metrics/no-metrics.js';
import { AuthenticationMetrics } from './authentication-metrics.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';

describe('AuthFailureLimiter', () => {
  afterEach(() => jest.restoreAllMocks());

  it('logs a failed-auth burst once, when an address spends its last allowed failure', () => {
    const warnings: unknown[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((line: unknown) => void warnings.push(line));
    const config = Object.assign(new Environment(), { AUTH_FAILURE_LIMIT: 3, AUTH_FAILURE_WINDOW_SECONDS: 60 });
    const limiter = new AuthFailureLimiter(config, new AuthenticationMetrics(NO_METRICS));
    for (let i = 0; i < 2; i++) limiter.recordFailure('192.0.2.1');
    expect(warnings).toEqual([]);
    limiter.recordFailure('192.0.2.1');
    expect(limiter.check('192.0.2.1').allowed).toBe(false);
    limiter.recordFailure('192.0.2.1');
    limiter.recordFailure('192.0.2.2');
    expect(warnings).toEqual([{ msg: 'failed-auth burst', address: '192.0.2.1', failures: 3, windowSeconds: 60, retryAfterSeconds: expect.any(Number) }]);
  });
});
