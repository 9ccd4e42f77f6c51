/**
 * A `--` before the command: yarn 1 passes its own `--` on (`yarn cli -- list …`), and `npm run cli -- -- list …`
 * doubles npm's. Only the command and its arguments can follow it, and no command begins with `-`, so it is dropped:
 * until 2026-12-07 commander took all that followed as plain arguments, and `-- list --account x` answered
 * "required option '--account <account-id>' not specified".
 */
export function withoutLeadingSeparator(argv: readonly string[]): string[] {
  return argv[0] === '--' ? argv.slice(1) : [...argv];
}
