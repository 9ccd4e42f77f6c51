import { Logger } from '@nestjs/common';
import { requireRoomForKeys } from '../domain/account-key-limit.js';
import type { Actor } from '../domain/api-key-decider.js';
import { KeyLimitReached } from '../domain/api-key-errors.js';

export const ACCOUNT_KEY_CAP = Symbol('ACCOUNT_KEY_CAP');

/** A new key about to be appended, and how many live keys its change adds to its account. */
export interface KeyToAdd {
  accountId: string;
  keyId: string;
  /** Null: the operator CLI, which the cap does not bind. */
  actor: Actor | null;
  /** 1 for a creation or a roll with grace, 0 for a roll without (the old key ends as its successor starts). */
  adding: number;
  change: 'create' | 'roll';
  atMs: number;
}

/**
 * MAX_KEYS_PER_ACCOUNT as the commands apply it: `reserve` refuses a key the account has no room for
 * (KeyLimitReached), else holds the room until the key is counted; the function it returns gives the room back, for
 * a key whose append failed.
 */
export interface AccountKeyCap {
  reserve(key: KeyToAdd): () => void;
}

/** What the cap counts from: the key table of this instance. */
export interface LiveKeyCounts {
  liveKeys(accountId: string, atMs: number): number;
  /** Whether the table has applied the key's creation (and so counts it, while it is live). */
  byId(keyId: string): object | undefined;
}

const NOTHING_TO_GIVE_BACK = () => undefined;

/** How often a full account is logged at most, per account: a client retrying a refused create must not flood the log. */
const WARN_EVERY_MS = 60_000;

/** Past this many accounts with keys pending, every account's are pruned at once, so accounts that stop creating leave nothing. */
const PRUNE_ALL_ABOVE = 1024;

/**
 * The cap counted from the key table: the account's live keys there, plus the keys this instance is appending or has
 * appended that the table has not applied yet. A count and its reservation happen in one turn of the event loop, so
 * this instance's own concurrent creations cannot pass the cap together. What it cannot see are the creations of
 * other instances that its table has not applied yet: those may take an account past the cap, by at most that many
 * keys (docs/design-notes.md, "The account key limit").
 */
export class KeyTableKeyCap implements AccountKeyCap {
  private readonly logger = new Logger('Keys');
  /** Per account, the ids of keys reserved here that the table may not have applied yet. */
  private readonly pending = new Map<string, Set<string>>();
  private readonly warnedAt = new Map<string, number>();

  constructor(
    private readonly keys: LiveKeyCounts,
    private readonly max: number,
  ) {}

  reserve({ accountId, keyId, actor, adding, change, atMs }: KeyToAdd): () => void {
    if (actor === null || adding === 0) return NOTHING_TO_GIVE_BACK;
    const pending = this.pendingOf(accountId);
    const live = this.keys.liveKeys(accountId, atMs) + pending.size;
    try {
      requireRoomForKeys({ live, adding, max: this.max, change });
    } catch (error) {
      if (error instanceof KeyLimitReached) this.warnFull(accountId, live, actor, atMs);
      throw error;
    }
    pending.add(keyId);
    this.pending.set(accountId, pending);
    return () => this.giveBack(accountId, keyId);
  }

  /** The account's pending keys, without those the table now counts itself. */
  private pendingOf(accountId: string): Set<string> {
    if (this.pending.size > PRUNE_ALL_ABOVE) for (const account of [...this.pending.keys()]) this.prune(account);
    return this.prune(accountId) ?? new Set();
  }

  private prune(accountId: string): Set<string> | undefined {
    const pending = this.pending.get(accountId);
    if (pending === undefined) return undefined;
    for (const keyId of pending) if (this.keys.byId(keyId) !== undefined) pending.delete(keyId);
    if (pending.size === 0) this.pending.delete(accountId);
    return pending;
  }

  private giveBack(accountId: string, keyId: string): void {
    const pending = this.pending.get(accountId);
    pending?.delete(keyId);
    if (pending?.size === 0) this.pending.delete(accountId);
  }

  private warnFull(accountId: string, liveKeys: number, actor: Actor, atMs: number): void {
    const last = this.warnedAt.get(accountId);
    if (last !== undefined && atMs - last < WARN_EVERY_MS) return;
    if (this.warnedAt.size > PRUNE_ALL_ABOVE) for (const [account, at] of this.warnedAt) if (atMs - at >= WARN_EVERY_MS) this.warnedAt.delete(account);
    this.warnedAt.set(accountId, atMs);
    this.logger.warn({ msg: 'account key limit reached', accountId, liveKeys, maxKeysPerAccount: this.max, actingKeyId: actor.keyId });
  }
}

/**
 * The operator CLI's: it acts as no key and is bound by no cap (an operator may have to give a full account a key to
 * put it right), and it has no key table to count from (it works from the log alone).
 */
export const NO_ACCOUNT_KEY_CAP: AccountKeyCap = { reserve: () => NOTHING_TO_GIVE_BACK };
