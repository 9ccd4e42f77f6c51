import { requireRoomForKeys } from './account-key-limit.js';
import { KeyLimitReached } from './api-key-errors.js';

describe('requireRoomForKeys', () => {
  it('lets a change add keys up to the limit, and refuses the one past it as a conflict naming the limit and how to make room', () => {
    expect(() => requireRoomForKeys({ live: 2, adding: 1, max: 3, change: 'create' })).not.toThrow();
    const refusal = catchRefusal(() => requireRoomForKeys({ live: 3, adding: 1, max: 3, change: 'create' }));
    expect(refusal).toBeInstanceOf(KeyLimitReached);
    expect(refusal).toMatchObject({ kind: 'conflict', maxKeys: 3 });
    expect(refusal.message).toBe(
      'This account has reached its limit of 3 live API keys (MAX_KEYS_PER_ACCOUNT). Revoke keys it no longer uses to make room: ' +
        'revoked and expired keys do not count, disabled keys do.',
    );
  });

  it('refuses a roll with grace at the limit, saying that one without grace needs no room', () => {
    const refusal = catchRefusal(() => requireRoomForKeys({ live: 3, adding: 1, max: 3, change: 'roll' }));
    expect(refusal.message).toMatch(/limit of 3 live API keys .* A roll with grace_seconds 0 needs no room: the old key ends as its successor starts\.$/);
  });

  it('says a limit of one in the singular', () => {
    expect(catchRefusal(() => requireRoomForKeys({ live: 1, adding: 1, max: 1, change: 'create' })).message).toMatch(/^This account has reached its limit of 1 live API key \(/);
  });

  it('never refuses a change that adds no key, even in an account over its limit', () => {
    expect(() => requireRoomForKeys({ live: 3, adding: 0, max: 3, change: 'roll' })).not.toThrow();
    expect(() => requireRoomForKeys({ live: 7, adding: 0, max: 3, change: 'roll' })).not.toThrow();
    expect(() => requireRoomForKeys({ live: 7, adding: 1, max: 3, change: 'create' })).toThrow(KeyLimitReached);
  });
});

function catchRefusal(change: () => void): KeyLimitReached {
  try {
    change();
  } catch (error) {
    return error as KeyLimitReached;
  }
  throw new Error('the change was not refused');
}
