import { errorMessage, scrubbedErrorLine } from './error-message.js';

describe('errorMessage', () => {
  it('is the message of an error, of any realm, else the value as text', () => {
    expect(errorMessage(new TypeError('bad input'))).toBe('bad input');
    // As a worker's or a native addon's error may arrive: a plain object, no Error prototype.
    expect(errorMessage({ message: 'database or disk is full', code: 'SQLITE_FULL' })).toBe('database or disk is full');
    expect(errorMessage('refused')).toBe('refused');
    expect(errorMessage(null)).toBe('null');
    expect(errorMessage({ message: 42 })).toBe('[object Object]');
  });
});

describe('scrubbedErrorLine', () => {
  it('keeps the first line only, without a key, a URL’s user and password, or a configured secret', () => {
    const key = `sk_${'a1B2c3D4e5'.repeat(3)}zZ9yY8x`;
    const error = new Error(`connect to mongodb://admin:hunter2@db:27017 failed for ${key} with token s3cr3t-token\n    at stack (file.js:1:1)`);
    const line = scrubbedErrorLine(error, ['s3cr3t-token']);
    expect(line).toBe(`connect to mongodb://[redacted]@db:27017 failed for ${key.slice(0, 12)}…[redacted] with token [redacted]`);
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('at stack');
  });
});
