import { createRequire } from 'node:module';
import { InvalidConfigurationError } from '../../shared/config/invalid-configuration.error.js';
import { MONGO_CLIENT_OPTIONS } from './mongo-client-options.js';

/** Loaded only when MONGODB_URL is set: the CLI on the embedded store never pays for the driver. */
const require = createRequire(import.meta.url);

/**
 * Whether the MongoDB driver can read MONGODB_URL: the service's own client (`new MongoClient`, which parses the
 * string and its options synchronously and connects only in connect()) is built and dropped. A string it
 * refuses would otherwise only fail at the first connect, retried forever as "store unreachable at start".
 * The driver's message is not repeated: some hold a part of the string (a user name, an option's value).
 */
export function mongoConnectionStringIsReadable(url: string): boolean {
  const { MongoClient } = require('mongodb') as typeof import('mongodb');
  try {
    new MongoClient(url, MONGO_CLIENT_OPTIONS);
    return true;
  } catch {
    return false;
  }
}

/**
 * The database a readable MONGODB_URL names in its path (`mongodb://host/<db>?…`), or null. The driver refuses a
 * `/` unescaped before the hosts' end (in a user name or password), so the path starts at the first `/` after `://`.
 */
export function mongoUrlDatabase(url: string): string | null {
  const rest = url.slice(url.indexOf('://') + 3).split('?')[0]!;
  const slash = rest.indexOf('/');
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  return path === '' ? null : decodeURIComponent(path);
}

/**
 * Throws the one-line InvalidConfigurationError main.ts and cli.ts print, or returns. A URL naming a database
 * other than MONGODB_DB is refused: the service writes to MONGODB_DB alone, so `mongodb://host/keys_prod` would
 * otherwise put the views in `parsesphere`, shared with every deployment that left MONGODB_DB unset. `admin`
 * is let through: it is where users are commonly defined, named there only to authenticate against.
 */
export function checkMongoConnectionString(url: string, database: string): void {
  if (!mongoConnectionStringIsReadable(url)) {
    throw new InvalidConfigurationError(
      'Invalid configuration: MONGODB_URL is not a connection string the MongoDB driver can read: check its hosts and ports (1-65535), the percent-encoding of its user name and password, and its ?options',
    );
  }
  const named = mongoUrlDatabase(url);
  if (named !== null && named !== database && named !== 'admin') {
    throw new InvalidConfigurationError(
      `Invalid configuration: MONGODB_URL names the database "${named}", but the read models go to MONGODB_DB ("${database}", "parsesphere" when unset): set MONGODB_DB=${named}, or remove /${named} from MONGODB_URL (to authenticate against that database, give ?authSource=${named})`,
    );
  }
}
