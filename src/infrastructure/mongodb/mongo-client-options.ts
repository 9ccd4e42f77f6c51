import type { MongoClientOptions } from 'mongodb';

/**
 * Timeouts short enough that, with the server down, a call fails within a few seconds instead
 * of queueing: server selection bounds both connecting and every later operation, and the socket
 * timeout ends calls to a server that accepted the connection but stopped answering.
 */
const TIMEOUTS = {
  serverSelectionTimeoutMS: 1500,
  connectTimeoutMS: 2000,
  socketTimeoutMS: 5000,
} as const;

/** What every client of the service is built with, besides the URL (also when the URL is checked at start). */
export const MONGO_CLIENT_OPTIONS: MongoClientOptions = { ...TIMEOUTS, appName: 'parsesphere-keys' };
