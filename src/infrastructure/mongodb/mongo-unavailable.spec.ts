import {
  MongoBulkWriteError,
  MongoClientClosedError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';
import { isMongoUnavailable, isServerTimeLimit, isTimeout, unlessUnreachable } from './mongo-unavailable.js';

const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });
const serverError = (code: number, errmsg: string) => new MongoServerError({ ok: 0, code, errmsg });

describe('isMongoUnavailable', () => {
  it.each([
    ['connection reset', new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed')],
    ['pool cleared / socket timeout', new MongoNetworkTimeoutError('connection timed out')],
    ['server selection timeout', new MongoServerSelectionError('Server selection timed out after 1500 ms', {} as never)],
    ['topology closed', new MongoTopologyClosedError()],
    ['client not connected', new MongoNotConnectedError('MongoClient must be connected')],
    ['client closed during the call', new MongoClientClosedError()],
    ['operation past its time limit', new MongoOperationTimeoutError('Timed out during operation execution')],
    ['write concern not satisfied', new MongoWriteConcernError({ writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' } } as never)],
    ['server shutting down', serverError(91, 'The server is in quiesce mode and will shut down')],
    ['primary stepped down', serverError(189, 'PrimarySteppedDown')],
    ['socket ended by the server (EPIPE, unwrapped)', socketError('EPIPE', 'This socket has been ended by the other party')],
    ['connection refused (unwrapped)', socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:27017')],
    ['a reset carried as the cause', new Error('bulk write failed', { cause: socketError('ECONNRESET', 'read ECONNRESET') })],
    // What a rebuild met: the driver wraps a socket timeout during a bulk write in a MongoBulkWriteError.
    ['a bulk write cut by a socket timeout', new MongoBulkWriteError(new MongoNetworkTimeoutError('timed out') as never, {} as never)],
  ])('%s: unavailable', (_case, error) => {
    expect(isMongoUnavailable(error)).toBe(true);
  });

  it.each([
    ['duplicate key', serverError(11000, 'E11000 duplicate key error')],
    ['a bad query', serverError(2, 'unknown operator: $nope')],
    ['a bulk write refused by the server', new MongoBulkWriteError({ message: 'write error', code: 11000 } as never, {} as never)],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'ECONNRESET'],
  ])('%s: not unavailable (answered 500, logged)', (_case, error) => {
    expect(isMongoUnavailable(error)).toBe(false);
  });

  it('wraps an unavailable server as StoreUnavailableError and lets anything else through as is', async () => {
    await expect(unlessUnreachable(() => Promise.reject(socketError('EPIPE', 'ended')))).rejects.toBeInstanceOf(StoreUnavailableError);
    const duplicate = serverError(11000, 'dup');
    await expect(unlessUnreachable(() => Promise.reject(duplicate))).rejects.toBe(duplicate);
  });

  it('tells a timeout (a smaller batch may pass) from other unavailability', () => {
    expect(isTimeout(new MongoBulkWriteError(new MongoNetworkTimeoutError('timed out') as never, {} as never))).toBe(true);
    expect(isTimeout(new MongoOperationTimeoutError('Timed out during operation execution'))).toBe(true);
    expect(isTimeout(new MongoNetworkError('connection closed'))).toBe(false);
    expect(isTimeout(socketError('ECONNREFUSED', 'refused'))).toBe(false);
  });
});

/**
 * What sends a listing to the pass over the collection (MongoApiKeyReadModel.list, listAll): the server's own answer that the
 * find ran past its maxTimeMS, as the driver raises it (a MongoServerError built from the reply `{ok: 0, code: 50, codeName:
 * 'MaxTimeMSExpired', errmsg}`; FerretDB 1.24 answers the same reply: docs/benchmarks.md). Nothing else does: a socket
 * timeout or a server going away is unavailability (exit 75, answered 503), never a reason to read the whole collection.
 */
describe('isServerTimeLimit: the one trigger of the pass', () => {
  const maxTimeMSExpired = new MongoServerError({ ok: 0, code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' });

  it('is the server reply MaxTimeMSExpired (code 50), which is no unavailability', () => {
    expect(isServerTimeLimit(maxTimeMSExpired)).toBe(true);
    expect(isMongoUnavailable(maxTimeMSExpired)).toBe(false);
  });

  it.each([
    ['ExceededTimeLimit (262, a server-side wait such as a lock)', serverError(262, 'exceeded time limit')],
    ['BadValue (2)', serverError(2, 'bad')],
    ['a socket timeout', new MongoNetworkTimeoutError('connection 3 to 127.0.0.1:27017 timed out')],
    ["the driver's own time limit (timeoutMS)", new MongoOperationTimeoutError('Timed out during operation execution')],
    ['a network error', new MongoNetworkError('connection closed')],
    ['code 50 outside a server reply', Object.assign(new Error('operation exceeded time limit'), { code: 50 })],
  ])('is not %s', (_, error) => {
    expect(isServerTimeLimit(error)).toBe(false);
  });
});
