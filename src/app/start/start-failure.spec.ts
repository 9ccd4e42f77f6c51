import { configuredSecrets, describeStartFailure, storeDownLine } from './start-failure.js';

describe('storeDownLine', () => {
  it('names the store once: the driver\'s error after it, or the error that names it already', () => {
    expect(storeDownLine('MongoDB', 'connect ECONNREFUSED 127.0.0.1:1')).toBe('MongoDB: connect ECONNREFUSED 127.0.0.1:1');
    expect(storeDownLine('EventStoreDB', 'EventStoreDB is unavailable: 14 UNAVAILABLE: No connection established.')).toBe(
      'EventStoreDB is unavailable: 14 UNAVAILABLE: No connection established.',
    );
  });
});

describe('describeStartFailure', () => {
  it('keeps the first line of the message, without its stack', () => {
    const error = new Error('file is not a database\n    at Database.pragma (x.js:1:1)');
    expect(describeStartFailure(error)).toBe('file is not a database');
  });

  it("drops a URL's user and password, and every configured secret, as written or decoded", () => {
    const secrets = configuredSecrets({
      MONGODB_URL: 'mongodb://keys:p%40ss-w0rd@h1:27017,h2:27017/?replicaSet=rs0',
      REDIS_URL: 'redis://:redis-s3cr3t@cache:6379/0',
      VERIFY_TOKEN: 'verify-token-0123456789abcdef0123456789',
    });
    expect(secrets).toEqual(expect.arrayContaining(['p%40ss-w0rd', 'p@ss-w0rd', 'redis-s3cr3t', 'verify-token-0123456789abcdef0123456789']));
    const message = [
      'Invalid URL mongodb://keys:p%40ss-w0rd@h1:27017',
      'auth failed for p@ss-w0rd',
      'redis-s3cr3t refused',
      'token verify-token-0123456789abcdef0123456789',
    ].join(', ');
    const line = describeStartFailure(new TypeError(message), secrets);
    expect(line).not.toMatch(/p%40ss|p@ss|w0rd|redis-s3cr3t|verify-token/);
    expect(line).toBe('Invalid URL mongodb://[redacted]@h1:27017, auth failed for [redacted], [redacted] refused, token [redacted]');
  });

  it('drops the previous webhook secret of a rotation as it drops the current one', () => {
    const secrets = configuredSecrets({ ALERT_WEBHOOK_SECRET: 'whsec-new-0123456789abcdef', ALERT_WEBHOOK_SECRET_PREVIOUS: 'whsec-old-0123456789abcdef' });
    expect(secrets).toEqual(['whsec-new-0123456789abcdef', 'whsec-old-0123456789abcdef']);
  });

  it('leaves a short user name alone: it would redact ordinary words', () => {
    expect(configuredSecrets({ REDIS_URL: 'redis://u:long-enough@host' })).toEqual(['u:long-enough', 'long-enough']);
  });
});
