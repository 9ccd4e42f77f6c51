/** What the CLI's exit status means; documented in docs/operations.md ("Operator CLI"). */
export const EXIT = {
  ok: 0,
  /** Anything that went wrong that is not one of the below: a rule refused, a conflict, a bad configuration, a damaged store. */
  failure: 1,
  /** The command line itself: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** No such key (a key of another account than --account looks the same), also as list's --starting-after. */
  notFound: 3,
  /**
   * Try again later (sysexits' EX_TEMPFAIL): a store that did not answer (unreachable, a lock held past the busy
   * timeout, a timeout) or a service that cannot answer now. Nothing was refused: the same command may succeed later.
   */
  temporary: 75,
} as const;
