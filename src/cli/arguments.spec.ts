import { InvalidArgumentError } from 'commander';
import { LIST_QUERY_MESSAGES } from '../keys/queries/list-api-keys/parse-list-api-keys-request.js';
import { asOfInstant, closeWhenIdleSeconds, expiresIn, graceSeconds, instant, keyStatus, revision } from './arguments.js';

describe('instant: a --expires-at or --as-of argument', () => {
  it.each([
    ['2030-01-31T12:00:00Z', '2030-01-31T12:00:00.000Z'],
    ['2030-01-31T12:00Z', '2030-01-31T12:00:00.000Z'],
    ['2030-01-31T12:00:00.5+02:00', '2030-01-31T10:00:00.500Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(instant(text).toISOString()).toBe(iso);
  });

  it.each(['2030-02-30T00:00:00Z', '2026-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2030-13-01T00:00:00Z', '2030-01-31T24:00:00Z', '2030-01-31T12:00:00', '2030-01-31', 'tomorrow'])(
    'refuses %s, as the API does',
    (text) => {
      expect(() => instant(text)).toThrow(InvalidArgumentError);
    },
  );

  it('names the rule it applies, RFC 3339 (it said "ISO 8601 with a zone", and refused 20300131T120000Z, ISO 8601 with a zone)', () => {
    expect(() => instant('20300131T120000Z')).toThrow(
      'an instant is an RFC 3339 date-time with its offset (the seconds may be left out), e.g. 2026-01-31T12:00:00Z',
    );
  });
});

describe('asOfInstant: a --as-of argument', () => {
  it('takes the last instant an answer can write, and refuses one an offset carries into the year 10000', () => {
    expect(asOfInstant('9999-12-31T23:59:59.999Z').toISOString()).toBe('9999-12-31T23:59:59.999Z');
    // Before: shown "as of +010000-01-01T23:58:59.000Z", its hours "+010000-01-01T…", no RFC 3339 date-time.
    expect(() => asOfInstant('9999-12-31T23:59:59-23:59')).toThrow(new InvalidArgumentError('--as-of must be no later than 9999-12-31T23:59:59.999Z'));
  });
});

describe('expiresIn: a --expires-in argument', () => {
  it.each([
    ['1', 1],
    ['3600', 3600],
    ['3153600000', 3_153_600_000],
  ])('reads %s as %d seconds', (text, value) => {
    expect(expiresIn(text)).toBe(value);
  });

  it.each(['0', '3153600001', '9999999999', '-5', '1.5', '1e3', ' 5', ''])('refuses %j with the API rule, named after the option', (text) => {
    expect(() => expiresIn(text)).toThrow(new InvalidArgumentError('--expires-in must be an integer between 1 and 3153600000'));
  });
});

describe("roll's --grace and --close-when-idle arguments", () => {
  it.each([
    ['0', 0],
    ['3600', 3600],
    ['604800', 604_800],
  ])('reads --grace %s as %d seconds', (text, value) => {
    expect(graceSeconds(text)).toBe(value);
  });

  it.each(['604801', '99999999999', '-1', '1.5', 'abc', ''])('refuses --grace %j with the API rule for grace_seconds, named after the option', (text) => {
    expect(() => graceSeconds(text)).toThrow(new InvalidArgumentError('--grace must be an integer between 0 and 604800'));
  });

  it.each([
    ['1', 1],
    ['604800', 604_800],
  ])('reads --close-when-idle %s as %d seconds', (text, value) => {
    expect(closeWhenIdleSeconds(text)).toBe(value);
  });

  it.each(['0', '604801', '-1', '1e3', ''])('refuses --close-when-idle %j with the API rule for close_when_idle_seconds, named after the option', (text) => {
    expect(() => closeWhenIdleSeconds(text)).toThrow(new InvalidArgumentError('--close-when-idle must be an integer between 1 and 604800'));
  });
});

describe('revision: an --if-match argument', () => {
  it.each([
    ['3', '"3"'],
    ['"3"', '"3"'],
    ['*', '*'],
  ])('takes %j as the ETag %j', (text, etag) => expect(revision(text)).toBe(etag));

  // Each named no revision, and was refused as "it has changed since" (exit 1), of a key that had not.
  it.each(['abc', 'W/"3"', '', ' 3', '3,4', '"3', '-1', '1.5'])('refuses %j as no revision (exit 2)', (text) => {
    expect(() => revision(text)).toThrow('a revision is a whole number, as show prints it (or the ETag "3"), or * for any');
  });
});

describe('keyStatus: a --status argument', () => {
  it.each(['active', 'disabled', 'expired', 'revoked'])('takes %s, as GET /v1/api-keys?status= does', (text) => {
    expect(keyStatus(text)).toBe(text);
  });

  it.each(['Active', 'deleted', '', ' active'])('refuses %j with the API\'s message', (text) => {
    expect(() => keyStatus(text)).toThrow(new InvalidArgumentError(LIST_QUERY_MESSAGES.status));
    expect(LIST_QUERY_MESSAGES.status).toBe('status must be one of active, disabled, expired, revoked');
  });
});
