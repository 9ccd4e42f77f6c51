import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { KeyLimitReached } from '../domain/api-key-errors.js';
import { KeyTableKeyCap, type KeyToAdd, type LiveKeyCounts } from './account-key-cap.js';

/** A key table of live keys by account, to which keys are added as it would apply their creation. */
class Table implements LiveKeyCounts {
  readonly keys = new Map<string, string>();

  liveKeys(accountId: string): number {
    return [...this.keys.values()].filter((account) => account === accountId).length;
  }

  byId(keyId: string): object | undefined {
    return this.keys.has(keyId) ? {} : undefined;
  }
}

const actor = { keyId: 'acting-key' } as KeyToAdd['actor'];
const add = (keyId: string, overrides: Partial<KeyToAdd> = {}): KeyToAdd => ({ accountId: 'acme', keyId, actor, adding: 1, change: 'create', atMs: 0, ...overrides });

describe('KeyTableKeyCap', () => {
  let warn: jest.SpiedFunction<Logger['warn']>;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('counts the keys reserved here that the table has not applied yet, so concurrent creations cannot pass the cap together', () => {
    const table = new Table();
    const cap = new KeyTableKeyCap(table, 2);
    cap.reserve(add('a'));
    cap.reserve(add('b'));
    expect(() => cap.reserve(add('c'))).toThrow(KeyLimitReached);
    // Applied by the table, they are counted there and no longer as pending: not twice.
    table.keys.set('a', 'acme').set('b', 'acme');
    expect(() => cap.reserve(add('c'))).toThrow(KeyLimitReached);
    table.keys.delete('a');
    expect(() => cap.reserve(add('c'))).not.toThrow();
  });

  it('gives the room back for a key whose append failed', () => {
    const cap = new KeyTableKeyCap(new Table(), 1);
    const giveBack = cap.reserve(add('a'));
    expect(() => cap.reserve(add('b'))).toThrow(KeyLimitReached);
    giveBack();
    expect(() => cap.reserve(add('b'))).not.toThrow();
  });

  it('binds neither the operator nor a change that adds no key, and leaves other accounts their own room', () => {
    const table = new Table();
    table.keys.set('a', 'acme');
    const cap = new KeyTableKeyCap(table, 1);
    expect(() => cap.reserve(add('b', { actor: null }))).not.toThrow();
    expect(() => cap.reserve(add('c', { adding: 0, change: 'roll' }))).not.toThrow();
    expect(() => cap.reserve(add('d', { accountId: 'other' }))).not.toThrow();
    expect(() => cap.reserve(add('e'))).toThrow(KeyLimitReached);
  });

  it('logs a full account once a minute at most, with its count and limit and no key', () => {
    const table = new Table();
    table.keys.set('a', 'acme');
    const cap = new KeyTableKeyCap(table, 1);
    for (const atMs of [0, 1000, 59_999]) expect(() => cap.reserve(add('b', { atMs }))).toThrow(KeyLimitReached);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith({ msg: 'account key limit reached', accountId: 'acme', liveKeys: 1, maxKeysPerAccount: 1, actingKeyId: 'acting-key' });
    expect(() => cap.reserve(add('b', { atMs: 60_000 }))).toThrow(KeyLimitReached);
    expect(warn).toHaveBeenCalledTimes(2);
  });
});
