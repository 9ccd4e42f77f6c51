import { resolve } from 'node:path';
import { loadEnvironment } from '../shared/config/environment.js';
import { requireExistingEventLog, startedStoreWarning } from './existing-event-log.js';

describe('a DATA_DIR without an event log, given relative (the default ./data)', () => {
  // From cron (cwd: the home directory) "no data/events.sqlite" did not say where the CLI had looked.
  it('is named as given and its log by the whole path the CLI looked at', () => {
    const environment = loadEnvironment({ DATA_DIR: './no-such-data-dir' });
    const file = resolve('no-such-data-dir/events.sqlite');
    expect(() => requireExistingEventLog(environment)).toThrow(
      `No event log in DATA_DIR ./no-such-data-dir (no ${file}): check DATA_DIR. Only create-key starts a new store.`,
    );
    expect(startedStoreWarning(environment, 'no-such-data-dir/events.sqlite')).toContain(`a new store was started in it (${file}).`);
  });
});
