import type { EventLogRestore } from '../app/storage/event-log-restore.js';
import type { Environment } from '../shared/config/environment.js';

/**
 * What `restore` says of a MongoDB read model, which it leaves as it is. Of the same log it is checked against the
 * restored log at the next start. Of another log (--another-log) it follows the log replaced, and every service and
 * command refuses it (one MongoDB database serves one event log): until 2026-12-06 restore said it would be checked,
 * and the next start stopped on "follow another event log".
 */
export function readModelNotice(result: Pick<EventLogRestore, 'restored' | 'replaced'>, environment: Pick<Environment, 'MONGODB_URL' | 'MONGODB_DB'>): string | null {
  if (!environment.MONGODB_URL) return null;
  const replaced = result.replaced?.summary?.identity ?? null;
  if (replaced !== null && result.restored.identity !== null && replaced !== result.restored.identity) {
    return (
      `MONGODB_URL is set: the read models in MONGODB_DB ${environment.MONGODB_DB} follow the log it replaced, and every service and ` +
      'command refuses them on this log: drop that database, or give this log a MONGODB_DB of its own, before the next start ' +
      '(docs/operations.md, "One MongoDB database serves one event log").\n'
    );
  }
  if (result.replaced?.summary == null) {
    // No readable log replaced: no positions kept (keepPositionsOfReplacedLog), so a write before the start could hide a stale checkpoint.
    return (
      'MONGODB_URL is set: its read models are checked against this log at the next start; no readable log was replaced, so start the ' +
      'services before any command that writes (create-key, revoke, ...), or drop the database first (docs/operations.md, "Backups").\n'
    );
  }
  return 'MONGODB_URL is set: its read models are checked against this log at the next start (docs/operations.md, "Backups").\n';
}
