import {
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';

/**
 * Driver errors that say "the server cannot be reached or cannot answer now", whatever the operation:
 * connection reset or refused, the pool cleared (MongoPoolClearedError is a MongoNetworkError), no server
 * selectable in time, a client or topology closed, an operation past its time limit, a write concern not
 * satisfied in time.
 */
const UNREACHABLE_CLASSES = [
  MongoNetworkError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoClientClosedError,
  MongoOperationTimeoutError,
  MongoWriteConcernError,
] as const;

/** Server error codes of a server that is stopping, stepping down or cut off: a retry later may succeed. */
const TRANSIENT_SERVER_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Labels the driver puts on errors it would retry, or after which it resets the pool. */
const TRANSIENT_LABELS = ['ResetPool', 'RetryableWriteError', 'NetworkError', 'SystemOverloadedError'];

/** Node's socket errors, which reach callers unwrapped when a write hits a socket the server has ended. */
const SOCKET_ERROR_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
]);

/** The one classification of MongoDB failures: true when the store is unavailable (answered 503), not wrong. */
export function isMongoUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (UNREACHABLE_CLASSES.some((unreachable) => error instanceof unreachable)) return true;
  if (error instanceof MongoError && TRANSIENT_LABELS.some((label) => error.hasErrorLabel(label))) return true;
  if (error instanceof MongoServerError && typeof error.code === 'number' && TRANSIENT_SERVER_CODES.has(error.code)) return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && SOCKET_ERROR_CODES.has(code)) return true;
  return isMongoUnavailable(innerError(error), depth + 1);
}

/**
 * The failure a wrapper carries: a bulk write wraps a network error of the driver as a MongoBulkWriteError
 * whose errorResponse is that error; other wrappers use `cause`.
 */
function innerError(error: Error): unknown {
  const response = error instanceof MongoServerError ? error.errorResponse : undefined;
  return response instanceof Error ? response : error.cause;
}

/** A call that ran out of time (socket or operation timeout), as opposed to a server that refused or went away. */
export function isTimeout(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (error instanceof MongoNetworkTimeoutError || error instanceof MongoOperationTimeoutError) return true;
  if ((error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return true;
  return isTimeout(innerError(error), depth + 1);
}

/**
 * The server stopped an operation at the time it was given (maxTimeMS): MaxTimeMSExpired, code 50, which MongoDB and
 * FerretDB 1.24 both answer. The server is there and answering; what was asked is too slow for it.
 */
export function isServerTimeLimit(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === MAX_TIME_MS_EXPIRED;
}
const MAX_TIME_MS_EXPIRED = 50;

/** Runs a call, reporting an unavailable server as StoreUnavailableError (answered 503) and anything else as is. */
export async function unlessUnreachable<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asStoreError(error);
  }
}

/** A driver failure as the service reports it: StoreUnavailableError when the server is unavailable, else as is. */
export function asStoreError(error: unknown): unknown {
  return isMongoUnavailable(error) ? new StoreUnavailableError('MongoDB', error) : error;
}
