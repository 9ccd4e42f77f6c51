import type { LeakAction, LeakScanner } from '../../domain/api-key-events.js';

/** A scanner's report of one of our keys, found by its secret's hash: the token itself never reaches the command. */
export class ReportKeyLeakCommand {
  constructor(
    readonly keyId: string,
    readonly accountId: string,
    readonly report: { scanner: LeakScanner; tokenType: string; sourceUrl: string | null; source: string | null },
    readonly requestId: string,
  ) {}
}

export interface ReportedKeyLeak {
  /** False for a key reported before: nothing was appended. */
  recorded: boolean;
  action: LeakAction;
  /** Global position of the last event appended (or of the stream's last event when nothing was). */
  position: number;
}
