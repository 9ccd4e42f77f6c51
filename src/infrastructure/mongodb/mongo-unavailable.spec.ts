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
import { isMongoUnavailable, isTimeout, unlessUnreachable } from './mongo-unavailable.js';

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
