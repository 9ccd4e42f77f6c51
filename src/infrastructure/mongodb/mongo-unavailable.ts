import { MongoNetworkError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';

function isUnreachable(error: unknown): boolean {
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoTopologyClosedError
  );
}

/** Runs a call, reporting an unreachable server as StoreUnavailableError (answered 503) and anything else as is. */
export async function unlessUnreachable<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isUnreachable(error) ? new StoreUnavailableError('MongoDB', error) : error;
  }
}
