/** What the CLI's exit status means; documented in docs/operations.md ("Operator CLI"). */
export const EXIT = {
  ok: 0,
  /** Anything that went wrong that is not one of the below: a store down, a rule refused, a bad configuration. */
  failure: 1,
  /** The command line itself: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** No such key (a key of another account than --account looks the same), also as list's --starting-after. */
  notFound: 3,
} as const;
