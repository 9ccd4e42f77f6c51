import { readModelNotice } from './restore-read-model-notice.js';

const summary = (identity: string | null) => ({ events: 1, position: 1, identity });
const mongo = { MONGODB_URL: 'mongodb://127.0.0.1:27017', MONGODB_DB: 'keys_prod' };

describe("restore's word on a MongoDB read model", () => {
  it('says nothing without MONGODB_URL', () => {
    expect(readModelNotice({ restored: summary('a'), replaced: null }, { MONGODB_URL: undefined, MONGODB_DB: 'parsesphere' })).toBeNull();
  });

  it('says it is checked at the next start when the backup is of the same log, or the replaced log had no key', () => {
    const checked = 'MONGODB_URL is set: its read models are checked against this log at the next start (docs/operations.md, "Backups").\n';
    expect(readModelNotice({ restored: summary('a'), replaced: { files: [], summary: summary('a') } }, mongo)).toBe(checked);
    expect(readModelNotice({ restored: summary('a'), replaced: { files: [], summary: summary(null) } }, mongo)).toBe(checked);
  });

  it('says to start the services before any writing command where no readable log was replaced (a new machine, a damaged log)', () => {
    const first =
      'MONGODB_URL is set: its read models are checked against this log at the next start; no readable log was replaced, so start the ' +
      'services before any command that writes (create-key, revoke, ...), or drop the database first (docs/operations.md, "Backups").\n';
    expect(readModelNotice({ restored: summary('a'), replaced: null }, mongo)).toBe(first);
    expect(readModelNotice({ restored: summary('a'), replaced: { files: ['events.sqlite.replaced-x'], summary: null } }, mongo)).toBe(first);
  });

  it('says to drop the database, or give the log its own, after another log (--another-log): every start refuses it', () => {
    expect(readModelNotice({ restored: summary('theirs'), replaced: { files: [], summary: summary('ours') } }, mongo)).toBe(
      'MONGODB_URL is set: the read models in MONGODB_DB keys_prod follow the log it replaced, and every service and command refuses ' +
        'them on this log: drop that database, or give this log a MONGODB_DB of its own, before the next start ' +
        '(docs/operations.md, "One MongoDB database serves one event log").\n',
    );
  });
});
