import { checkAnomaliesSettings } from '../anomalies/anomalies.settings.js';
import { checkEsdbConnectionString } from '../infrastructure/eventstoredb/esdb-connection-string.js';
import { checkMongoConnectionString } from '../infrastructure/mongodb/mongodb-connection-string.js';
import { Environment, loadEnvironment } from '../shared/config/environment.js';
import { lookalikeSettings } from '../shared/config/lookalike-settings.js';
import { FILE_SETTINGS, withSettingFiles } from './setting-files.js';

/** Settings whose meaning only a feature knows: each feature's check, run after the generic validation. */
const FEATURE_SETTING_CHECKS: readonly ((environment: Environment) => void)[] = [checkAnomaliesSettings];

/**
 * The one validation of the configuration, before anything starts (main.ts, cli.ts): every setting of
 * Environment (a secret read from its `<NAME>_FILE`), then each feature's checks. Throws InvalidConfigurationError naming the setting.
 */
export function loadConfiguration(raw: Record<string, unknown>): Environment {
  const environment = loadEnvironment(withSettingFiles(raw));
  // What the EventStoreDB client would only warn about, ignore, or fail on later inside a module factory.
  if (environment.EVENTSTORE_URL) checkEsdbConnectionString(environment.EVENTSTORE_URL);
  // What the MongoDB driver would refuse only at the first connect, retried forever as a store that is down;
  // and a database named in the URL that is not MONGODB_DB, which the service would silently not use.
  if (environment.MONGODB_URL) checkMongoConnectionString(environment.MONGODB_URL, environment.MONGODB_DB);
  for (const check of FEATURE_SETTING_CHECKS) check(environment);
  return environment;
}

/**
 * One sentence per variable that is no setting but looks like one (METRICS_TOKN, REDIS_URI, port), whose setting
 * keeps its default, or a setting that has no effect without another: the start warns (main.ts: a `warn` line; the CLI: stderr). Never the value.
 */
export function configurationWarnings(raw: Record<string, unknown>): string[] {
  const settings = Object.keys(new Environment());
  const lookalikes = lookalikeSettings(Object.keys(raw), [...settings, ...FILE_SETTINGS.map((name) => `${name}_FILE`)]).map(
    ({ name, meant }) => `${name} is not a setting of this service and is ignored: did you mean ${meant}?`,
  );
  return [...lookalikes, ...withoutItsStore(raw)];
}

/**
 * Settings of a store that is not the one configured, which were ignored without a word: MONGODB_DB names a database
 * of the MongoDB read model, none without MONGODB_URL; POLL_INTERVAL_MS paces the embedded log's reads, none with EVENTSTORE_URL.
 */
function withoutItsStore(raw: Record<string, unknown>): string[] {
  const set = (name: string) => raw[name] !== undefined && raw[name] !== '';
  const warnings: string[] = [];
  if (set('MONGODB_DB') && !set('MONGODB_URL') && !set('MONGODB_URL_FILE')) {
    warnings.push('MONGODB_DB is set without MONGODB_URL: it has no effect, the read models are files in DATA_DIR');
  }
  if (set('POLL_INTERVAL_MS') && (set('EVENTSTORE_URL') || set('EVENTSTORE_URL_FILE'))) {
    warnings.push('POLL_INTERVAL_MS is set with EVENTSTORE_URL: it has no effect, EventStoreDB sends new events as they are appended');
  }
  return warnings;
}
