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

/** Throws the one-line InvalidConfigurationError main.ts and cli.ts print, or returns. */
export function checkMongoConnectionString(url: string): void {
  if (!mongoConnectionStringIsReadable(url)) {
    throw new InvalidConfigurationError(
      'Invalid configuration: MONGODB_URL is not a connection string the MongoDB driver can read: check its hosts and ports (1-65535), the percent-encoding of its user name and password, and its ?options',
    );
  }
}
