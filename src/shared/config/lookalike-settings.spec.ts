import { Environment } from './environment.js';
import { lookalikeSettings } from './lookalike-settings.js';

const SETTINGS = Object.keys(new Environment());
const meant = (...names: string[]) => lookalikeSettings(names, SETTINGS);

describe('lookalikeSettings', () => {
  it.each([
    ['METRICS_TOKN', 'METRICS_TOKEN'],
    ['VERIFY_TOKEN_', 'VERIFY_TOKEN'],
    ['POST', 'PORT'],
    ['port', 'PORT'],
    ['redis_url', 'REDIS_URL'],
    ['LOGLEVEL', 'LOG_LEVEL'],
    ['DATADIR', 'DATA_DIR'],
    ['TRUSTED_PROXY', 'TRUST_PROXY'],
    ['MAX_KEYS_PER_ACCOUNTS', 'MAX_KEYS_PER_ACCOUNT'],
    ['REDIS_URI', 'REDIS_URL'],
    ['MONGO_URL', 'MONGODB_URL'],
    ['MONGODB_URI', 'MONGODB_URL'],
    ['EVENTSTOREDB_URL', 'EVENTSTORE_URL'],
    ['SHUTDOWN_DELAY', 'SHUTDOWN_DELAY_MS'],
    ['HTTP_REQUEST_TIMEOUT', 'HTTP_REQUEST_TIMEOUT_MS'],
    ['ALERT_WEBHOOK_SIGNING_SECRET', 'ALERT_WEBHOOK_SECRET'],
    ['RATE_LIMIT_WINDOW_SECONDS', 'RATE_LIMIT_PER_SECONDS'],
    ['PORT_FILE', 'PORT'],
    ['MONGODB_DB_FILE', 'MONGODB_DB'],
  ])('takes %s for %s', (name, setting) => {
    expect(meant(name)).toEqual([{ name, meant: setting }]);
  });

  it("says nothing of the settings themselves, nor of what a container, Kubernetes or a shell sets", () => {
    const environment = [
      ...SETTINGS,
      ...['PATH', 'HOME', 'HOSTNAME', 'HOSTTYPE', 'TERM', 'LANG', 'PWD', 'USER', 'SHLVL', 'TZ', 'NODE_ENV', 'NODE_OPTIONS', 'NODE_VERSION', 'YARN_VERSION'],
      ...['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'npm_config_loglevel', 'npm_lifecycle_event', 'CI'],
      // Kubernetes' service links, of this service and of its stores.
      ...['KUBERNETES_PORT', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_PORT_443_TCP_ADDR', 'REDIS_PORT', 'REDIS_SERVICE_HOST', 'REDIS_PORT_6379_TCP'],
      ...['MONGODB_PORT', 'MONGODB_SERVICE_PORT', 'PARSESPHERE_KEYS_PORT', 'PARSESPHERE_KEYS_SERVICE_HOST', 'METRICS_PORT', 'VERIFY_SERVICE_HOST'],
    ];
    expect(lookalikeSettings(environment, SETTINGS)).toEqual([]);
  });
});
