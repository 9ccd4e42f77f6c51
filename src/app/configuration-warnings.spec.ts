import { configurationWarnings } from './load-configuration.js';

describe('configurationWarnings: what the start warns of, the process going on', () => {
  it('a MONGODB_DB without MONGODB_URL, which was ignored without a word: the read models stay files in DATA_DIR', () => {
    expect(configurationWarnings({ MONGODB_DB: 'keys_prod' })).toEqual(['MONGODB_DB is set without MONGODB_URL: it has no effect, the read models are files in DATA_DIR']);
    expect(configurationWarnings({ MONGODB_DB: 'keys_prod', MONGODB_URL: 'mongodb://127.0.0.1:27017' })).toEqual([]);
    expect(configurationWarnings({ MONGODB_DB: 'keys_prod', MONGODB_URL_FILE: '/run/secrets/mongodb-url' })).toEqual([]);
    expect(configurationWarnings({ MONGODB_DB: '' })).toEqual([]);
  });

  it('a POLL_INTERVAL_MS with EVENTSTORE_URL, which paces only the embedded log', () => {
    expect(configurationWarnings({ POLL_INTERVAL_MS: '50', EVENTSTORE_URL: 'esdb://127.0.0.1:2113?tls=false' })).toEqual([
      'POLL_INTERVAL_MS is set with EVENTSTORE_URL: it has no effect, EventStoreDB sends new events as they are appended',
    ]);
    expect(configurationWarnings({ POLL_INTERVAL_MS: '50' })).toEqual([]);
  });

  it('a look-alike of a setting, and of a setting given in a file', () => {
    expect(configurationWarnings({ MONGO_URL: 'mongodb://x', MONGODB_DB: 'keys_prod' })).toEqual([
      'MONGO_URL is not a setting of this service and is ignored: did you mean MONGODB_URL?',
      'MONGODB_DB is set without MONGODB_URL: it has no effect, the read models are files in DATA_DIR',
    ]);
    expect(configurationWarnings({ VERIFY_TOKEN_FILE: '/run/secrets/verify-token', PORT_FILE: '/run/secrets/port' })).toEqual([
      'PORT_FILE is not a setting of this service and is ignored: did you mean PORT?',
    ]);
  });
});
