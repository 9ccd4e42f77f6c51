import { nudgeMessage, parseNudge } from './redis-append-fan-out.js';

describe('the append nudge', () => {
  const sender = '6f1c1d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e';

  it('carries the sender and the types it appended', () => {
    expect(parseNudge(nudgeMessage(sender, new Set(['KeyUsed', 'AuthenticationFailed'])))).toEqual({
      sender,
      types: ['KeyUsed', 'AuthenticationFailed'],
    });
    expect(parseNudge(nudgeMessage(sender, ['KeyRevoked']))).toEqual({ sender, types: ['KeyRevoked'] });
  });

  it('from an instance that names no types (an older one) wakes every subscription', () => {
    expect(parseNudge(sender)).toEqual({ sender, types: undefined });
    expect(parseNudge(nudgeMessage(sender, []))).toEqual({ sender, types: undefined });
  });
});
