// FAILURE-INJECTION FIXTURE, NOT AN EVENTSTOREDB SERVER. A minimal in-memory stand-in for the gRPC server
// (Streams.Read and Streams.Append only), written for an audit of the adapter, on the protos generated in
// @eventstore/db-client 6.2.1. Tests use it only for what a real server cannot be made to do on demand: stop
// answering calls while keeping the connection ("stuck"), fail one append, hold an answer the adapter stops
// reading early, carry a foreign event. It is never a stand-in for the EventStoreDB contract suite, which runs
// against a real server only (EVENTSTORE_URL=… npm run test:eventstore).
// Usage: node test/support/fake-esdb-server.cjs <grpc port> <control port>; control over HTTP:
//   /stuck?on=1|0 (calls made meanwhile are answered once it is 0, but those their client cancelled)
//   /softdelete?stream= (a delete without tombstone)  /noconfirm?on=1|0 (subscriptions opened meanwhile are taken and never confirmed nor answered; reads and appends answered)  /failappend?n=<nth append>&stream=<prefix>  /inject?stream=&type=&json=0&meta=0  /tombstone?stream=  /maxappend?bytes=  /log  /stats
const grpc = require('@grpc/grpc-js');
const G = '@eventstore/db-client/generated/';
const { StreamsService } = require(G + 'streams_grpc_pb');
const S = require(G + 'streams_pb');
const shared = require(G + 'shared_pb');
const http = require('node:http');
const { randomUUID } = require('node:crypto');

const port = Number(process.argv[2]);
const controlPort = Number(process.argv[3]);
const log = []; // { id, stream, revision, type, contentType, data(Buffer), meta(Buffer), position, created }
const streams = new Map(); // stream -> [entries]
let position = 1000;
const live = new Set();
let stuck = false;
// Hard-deleted streams. The server answers a read of one, and an append to one, with RpcExceptions.StreamDeleted: status
// FAILED_PRECONDITION, metadata exception=stream-deleted and stream-name (server: Grpc/RpcExceptions.cs; Enumerators
// ReadStreamForwards/Backwards, `case ReadStreamResult.StreamDeleted`; Streams.Append, `case OperationResult.StreamDeleted`),
// which the client turns into StreamDeletedError (dist/utils/CommandError.js, convertToCommandError).
const tombstoned = new Set();
// Soft-deleted streams (a delete without tombstone) live in their metadata, as on the server: the delete appends to
// `$$<stream>` its metadata with truncate-before `EventNumber.DeletedStream` (long.MaxValue). A read of the stream then
// answers StreamNotFound; `$all` keeps its events; the next append (expected revision any, no_stream, or its last revision)
// recreates it from the revision after its last, the truncate-before moved there, its other metadata kept; a second
// no_stream is a wrong expected version (EventStore-Client-Dotnet tests, `deleted_stream`: reading_throws,
// recreated_with_any_expected_version, recreated_with_expected_version, allows_recreating_for_first_write_only_…,
// recreated_preserves_metadata_except_truncate_before). Reads of any stream skip the events before its truncate-before.
const DELETED_STREAM = '9223372036854775807';
function metadataOf(name) {
  const last = streams.get(`$$${name}`)?.at(-1);
  if (!last) return {};
  try { const parsed = JSON.parse(last.data.toString()); return parsed && typeof parsed === 'object' ? parsed : {}; } catch { return {}; }
}
// JSON.parse reads 9223372036854775807 as 2^63: any truncate-before that far is the deleted mark.
const isSoftDeleted = (name) => typeof metadataOf(name).$tb === 'number' && metadataOf(name).$tb >= 2 ** 63 - 1;
function writeMetadata(name, metadata, truncateBefore) {
  const json = JSON.stringify({ ...metadata, $tb: '@TB@' }).replace('"@TB@"', String(truncateBefore));
  return record(`$$${name}`, '$metadata', Buffer.from(json), undefined);
}
// --max-append-size (0: none). The server refuses, whole, an append whose events' data and custom metadata add up to more,
// with RpcExceptions.MaxAppendSizeExceeded: INVALID_ARGUMENT, metadata exception=maximum-append-size-exceeded and
// maximum-append-size (server: Grpc/RpcExceptions.cs); the client reports MaxAppendSizeExceededError (CommandError.js).
let maxAppendSize = 0;
function streamDeleted(name) {
  const metadata = new grpc.Metadata();
  metadata.set('exception', 'stream-deleted');
  metadata.set('stream-name', name);
  return { code: grpc.status.FAILED_PRECONDITION, details: `Event stream '${name}' is deleted.`, metadata };
}
const stats = { appends: 0, reads: 0, subscriptions: 0, readAllEventsSent: 0, unconfirmedSubscriptions: 0 };

function record(stream, type, dataObj, metaObj, id = randomUUID(), contentType = 'application/json') {
  const list = streams.get(stream) ?? [];
  const entry = {
    id, stream, revision: list.length, type, contentType,
    data: Buffer.isBuffer(dataObj) ? dataObj : Buffer.from(JSON.stringify(dataObj)),
    meta: metaObj === undefined ? Buffer.alloc(0) : Buffer.isBuffer(metaObj) ? metaObj : Buffer.from(JSON.stringify(metaObj)),
    position, created: BigInt(Date.now()) * 10000n,
  };
  position += 100 + Math.floor(Math.random() * 50);
  list.push(entry);
  streams.set(stream, list);
  log.push(entry);
  for (const l of live) l(entry);
  return entry;
}
// system events at the head of the log, like a real one
record('$epoch', '$epoch', {}, undefined);
record('$settings', '$settings', {}, undefined);

function toRecorded(e) {
  const r = new S.ReadResp.ReadEvent.RecordedEvent();
  const uuid = new shared.UUID(); uuid.setString(e.id); r.setId(uuid);
  const sid = new shared.StreamIdentifier(); sid.setStreamName(Buffer.from(e.stream)); r.setStreamIdentifier(sid);
  r.setStreamRevision(String(e.revision));
  r.setPreparePosition(String(e.position));
  r.setCommitPosition(String(e.position));
  r.getMetadataMap().set('type', e.type);
  r.getMetadataMap().set('content-type', e.contentType);
  r.getMetadataMap().set('created', e.created.toString());
  r.setCustomMetadata(e.meta);
  r.setData(e.data);
  return r;
}
function eventResp(e) {
  const ev = new S.ReadResp.ReadEvent(); ev.setEvent(toRecorded(e)); ev.setCommitPosition(String(e.position));
  const resp = new S.ReadResp(); resp.setEvent(ev); return resp;
}
function checkpointResp(p) {
  const c = new S.ReadResp.Checkpoint(); c.setCommitPosition(String(p)); c.setPreparePosition(String(p));
  const resp = new S.ReadResp(); resp.setCheckpoint(c); return resp;
}

// The calls that came while stuck. A server that is slow to answer still answers every call it received, late, unless
// its client cancelled it: Streams.Read serves a read, or a subscription for as long as it is open, until the call's
// CancellationToken fires (server: src/EventStore.Core/Services/Transport/Grpc/Streams.Read.cs), and an append is
// written once its turn comes. Until 2026-12-07 the stand-in dropped them for good: a subscription a service opened
// while it was stuck (after a `replay`, its move to the new read-model generation) never received anything.
const held = [];
function holdWhileStuck(call, serve, subscription = false) {
  held.push({ call, serve, subscription });
}
function answerHeld() {
  for (const { call, serve } of held.splice(0)) if (!call.cancelled) serve();
}

// A server that takes a subscription's call and never confirms it: the client waits for the confirmation with no deadline
// (dist/streams/subscribeToAll.js, `deadline: Infinity`), and the server sends nothing of a subscription before it.
let noConfirm = false;
const unconfirmed = new Set();

function read(call) {
  stats.reads++;
  if (noConfirm && call.request.getOptions().hasSubscription()) {
    stats.unconfirmedSubscriptions++;
    unconfirmed.add(call);
    call.on('cancelled', () => unconfirmed.delete(call));
    return;
  }
  if (stuck) return holdWhileStuck(call, () => serveRead(call), call.request.getOptions().hasSubscription());
  serveRead(call);
}

function serveRead(call) {
  const o = call.request.getOptions();
  const count = o.getCountOptionCase() === S.ReadReq.Options.CountOptionCase.COUNT ? Number(o.getCount()) : Infinity;
  const backwards = o.getReadDirection() === 1;
  if (o.hasStream()) {
    const so = o.getStream();
    const name = Buffer.from(so.getStreamIdentifier().getStreamName()).toString();
    if (tombstoned.has(name)) return void call.emit('error', streamDeleted(name));
    const list = streams.get(name);
    if (!list || isSoftDeleted(name)) {
      const nf = new S.ReadResp.StreamNotFound(); nf.setStreamIdentifier(so.getStreamIdentifier());
      const resp = new S.ReadResp(); resp.setStreamNotFound(nf); call.write(resp); call.end(); return;
    }
    const truncateBefore = typeof metadataOf(name).$tb === 'number' ? metadataOf(name).$tb : 0;
    let items = list.filter((e) => e.revision >= truncateBefore);
    const rc = so.getRevisionOptionCase();
    if (backwards) items.reverse();
    if (rc === 2) { const from = Number(so.getRevision()); items = items.filter((e) => (backwards ? e.revision <= from : e.revision >= from)); }
    for (const e of items.slice(0, count)) call.write(eventResp(e));
    call.end();
    return;
  }
  // $all
  const ao = o.getAll();
  let from = null; // inclusive
  if (ao.getAllOptionCase() === 1) from = Number(ao.getPosition().getCommitPosition());
  const isEnd = ao.getAllOptionCase() === 3;
  if (!o.hasSubscription()) {
    let items = backwards ? [...log].reverse() : [...log];
    if (from !== null) items = items.filter((e) => (backwards ? e.position <= from : e.position >= from));
    let n = 0;
    for (const e of items) { if (n++ >= count) break; stats.readAllEventsSent++; call.write(eventResp(e)); }
    call.end();
    return;
  }
  // subscription to $all (exclusive start, like the server's AllSubscriptionFiltered)
  stats.subscriptions++;
  const f = o.hasFilter() ? o.getFilter() : null;
  const regex = f && f.hasEventType() ? new RegExp(f.getEventType().getRegex()) : null;
  const allowed = (e) => (regex ? regex.test(e.type) : true);
  const conf = new S.ReadResp.SubscriptionConfirmation(); conf.setSubscriptionId(randomUUID());
  const c = new S.ReadResp(); c.setConfirmation(conf); call.write(c);
  let checkpoint = isEnd ? (log.at(-1)?.position ?? 0) : from ?? -1;
  const consider = (e) => {
    if (e.position <= checkpoint) return;
    if (allowed(e)) call.write(eventResp(e));
    else if (f) call.write(checkpointResp(e.position));
    checkpoint = e.position;
  };
  for (const e of [...log]) consider(e);
  const listener = (e) => consider(e);
  live.add(listener);
  call.on('cancelled', () => live.delete(listener));
  call.on('close', () => live.delete(listener));
  call.dropWith = (code, msg) => { live.delete(listener); call.emit('error', { code, details: msg }); };
  subs.add(call);
  call.on('close', () => subs.delete(call));
}
const subs = new Set();

let failIn = 0; let failStream = null;
function append(call, callback) {
  stats.appends++;
  let options = null;
  const msgs = [];
  call.on('data', (req) => {
    if (req.hasOptions()) options = req.getOptions();
    else msgs.push(req.getProposedMessage());
  });
  call.on('end', function answer() {
    if (stuck) return holdWhileStuck(call, answer);
    const name = Buffer.from(options.getStreamIdentifier().getStreamName()).toString();
    if (tombstoned.has(name)) return callback(streamDeleted(name));
    const size = msgs.reduce((total, m) => total + m.getData_asU8().length + m.getCustomMetadata_asU8().length, 0);
    if (maxAppendSize > 0 && size > maxAppendSize) {
      const metadata = new grpc.Metadata();
      metadata.set('exception', 'maximum-append-size-exceeded');
      metadata.set('maximum-append-size', String(maxAppendSize));
      return callback({ code: grpc.status.INVALID_ARGUMENT, details: `Maximum Append Size of ${maxAppendSize} Exceeded.`, metadata });
    }
    if (failStream && name.startsWith(failStream) && --failIn === 0) { failStream = null; return callback({ code: grpc.status.UNAVAILABLE, details: 'injected failure' }); }
    const list = streams.get(name) ?? [];
    const current = list.length - 1;
    const softDeleted = isSoftDeleted(name);
    const C = S.AppendReq.Options.ExpectedStreamRevisionCase;
    const ec = options.getExpectedStreamRevisionCase();
    const ids = msgs.map((m) => m.getId().getString());
    const wev = () => {
      const w = new S.AppendResp.WrongExpectedVersion();
      if (current < 0) w.setCurrentNoStream(new shared.Empty()); else w.setCurrentRevision(String(current));
      const resp = new S.AppendResp(); resp.setWrongExpectedVersion(w); callback(null, resp);
    };
    const ok = (rev, pos) => {
      const s = new S.AppendResp.Success(); s.setCurrentRevision(String(rev));
      const p = new S.AppendResp.Position(); p.setCommitPosition(String(pos)); p.setPreparePosition(String(pos)); s.setPosition(p);
      const resp = new S.AppendResp(); resp.setSuccess(s); callback(null, resp);
    };
    if (ec === C.ANY) {
      const known = ids.map((id) => list.find((e) => e.id === id));
      if (known[0] && known.every(Boolean)) return ok(known.at(-1).revision, known.at(-1).position);
      if (known[0]) return wev();
    } else if (ec === C.NO_STREAM) { if (current !== -1 && !softDeleted) return wev(); }
    else if (ec === C.STREAM_EXISTS) { if (current === -1) return wev(); }
    else if (ec === C.REVISION) { if (String(current) !== options.getRevision()) return wev(); }
    // Recreated: its truncate-before moves to the first revision written now, its other metadata kept.
    if (softDeleted) writeMetadata(name, metadataOf(name), current + 1);
    let last;
    for (const m of msgs) {
      const meta = m.getMetadataMap();
      last = record(name, meta.get('type'), Buffer.from(m.getData_asU8()), Buffer.from(m.getCustomMetadata_asU8()), m.getId().getString(), meta.get('content-type'));
    }
    ok(last.revision, last.position);
  });
}

const server = new grpc.Server({ 'grpc.keepalive_permit_without_calls': 1 });
server.addService(StreamsService, {
  read, append,
  batchAppend: (call) => call.destroy({ code: grpc.status.UNIMPLEMENTED }),
  delete: (call, cb) => cb({ code: grpc.status.UNIMPLEMENTED }),
  tombstone: (call, cb) => cb({ code: grpc.status.UNIMPLEMENTED }),
});
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) throw err;
  console.log(`fake esdb on ${port}, control on ${controlPort}`);
});

http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let out = {};
  if (url.pathname === '/stats') {
    const waiting = held.filter(({ call }) => !call.cancelled);
    out = { ...stats, events: log.length, head: log.at(-1)?.position, liveSubs: subs.size, stuck, unconfirmedOpen: unconfirmed.size, held: waiting.length, heldSubscriptions: waiting.filter((h) => h.subscription).length };
  } else if (url.pathname === '/stuck') {
    stuck = url.searchParams.get('on') === '1';
    if (!stuck) answerHeld();
    out = { stuck };
  }
  else if (url.pathname === '/noconfirm') { noConfirm = url.searchParams.get('on') === '1'; out = { noConfirm }; }
  else if (url.pathname === '/failappend') { failIn = Number(url.searchParams.get('n') ?? 1); failStream = url.searchParams.get('stream') ?? 'api_key-'; out = { failIn, failStream }; }
  else if (url.pathname === '/drop') { const n = subs.size; for (const c of [...subs]) c.dropWith?.(grpc.status.UNAVAILABLE, 'dropped by test'); out = { dropped: n }; }
  else if (url.pathname === '/endsubs') { const n = subs.size; for (const c of [...subs]) c.end(); out = { ended: n }; }
  else if (url.pathname === '/inject') {
    const type = url.searchParams.get('type') ?? 'ForeignEvent';
    const json = url.searchParams.get('json') !== '0';
    const e = record(url.searchParams.get('stream') ?? 'foreign-1', type, json ? { foreign: true } : Buffer.from('binary'), json && url.searchParams.get('meta') !== '0' ? { foo: 1 } : undefined, randomUUID(), json ? 'application/json' : 'application/octet-stream');
    out = { position: e.position };
  } else if (url.pathname === '/tombstone') {
    // As the server's tombstone: a $streamDeleted record in $all (a system type every reader skips), the stream gone.
    const name = url.searchParams.get('stream');
    tombstoned.add(name);
    out = { position: record(name, '$streamDeleted', {}, undefined).position };
  } else if (url.pathname === '/softdelete') {
    const name = url.searchParams.get('stream');
    out = { position: writeMetadata(name, metadataOf(name), DELETED_STREAM).position };
  } else if (url.pathname === '/maxappend') {
    maxAppendSize = Number(url.searchParams.get('bytes') ?? 0);
    out = { maxAppendSize };
  } else if (url.pathname === '/log') out = log.map((e) => ({ p: e.position, s: e.stream, r: e.revision, t: e.type, id: e.id }));
  res.setHeader('content-type', 'application/json');
  res.setHeader('connection', 'close'); // a test may block its event loop (spawnSync) past the keep-alive timeout
  res.end(JSON.stringify(out));
}).listen(controlPort, '127.0.0.1');
