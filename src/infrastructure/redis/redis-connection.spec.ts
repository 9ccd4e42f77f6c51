import { describeRedisError, isSocketError } from './redis-connection.js';

describe('describeRedisError', () => {
  it("says what Redis answered, as it answered", () => {
    expect(describeRedisError(Object.assign(new Error('WRONGPASS invalid username-password pair or user is disabled.'), { name: 'ReplyError' }))).toBe(
      'WRONGPASS invalid username-password pair or user is disabled.',
    );
  });

  it('says that a port which answers something else is not Redis', () => {
    expect(describeRedisError(new Error('Unknown RESP type 72 "H". Please report this.'))).toBe('not a Redis server: Unknown RESP type 72 "H".');
  });

  it('drops anything URL-like and the secrets given, and keeps the first line only', () => {
    expect(describeRedisError(new Error('failed for rediss://bob:pa55word-x@cache/2 (bob, pa55word-x)\n    at stack'), ['pa55word-x'])).toBe(
      'failed for [redacted] (bob, [redacted])',
    );
  });

  it('drops the user an ACL refusal names, however short (the secrets leave names under 4 characters alone)', () => {
    const refusal = Object.assign(new Error("NOPERM User bo has no permissions to run the 'subscribe' command"), { name: 'ReplyError' });
    expect(describeRedisError(refusal, ['pa55word-x'])).toBe("NOPERM User [redacted] has no permissions to run the 'subscribe' command");
    expect(describeRedisError(new Error("NOPERM User u has no permissions to run the 'publish' command"))).toBe(
      "NOPERM User [redacted] has no permissions to run the 'publish' command",
    );
  });
});

describe('isSocketError', () => {
  it("tells a socket's error from Redis's answer", () => {
    expect(isSocketError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', syscall: 'connect' }))).toBe(true);
    expect(isSocketError(Object.assign(new Error('NOAUTH Authentication required.'), { name: 'ReplyError' }))).toBe(false);
  });
});
