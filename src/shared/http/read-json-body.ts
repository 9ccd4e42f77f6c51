import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { InvalidRequest, PayloadTooLarge, UnsupportedMediaType } from '../application/errors.js';
import { checkJsonShape } from './json-shape.js';

export const MAX_BODY_BYTES = 16 * 1024;

/** The answers for a refused body, the same whether express.json or readJsonBody refused it. */
export const BODY_REFUSALS = {
  notJson: 'Request bodies must be JSON (Content-Type: application/json).',
  notUtf8: 'The request body must be UTF-8 JSON.',
  tooLarge: 'The request body is too large.',
  malformed: 'The request body is not valid JSON.',
  notDecompressible: 'The request body could not be decompressed.',
  encodingUnsupported: 'The request body must be sent with Content-Encoding gzip, deflate or identity.',
  invalidUtf8: 'The request body is not valid UTF-8.',
  notAnObject: 'The request body must be a JSON object.',
  cutShort: 'The connection closed before the whole request body was received.',
} as const;

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

const DECOMPRESSORS: Record<string, (() => Transform) | null> = {
  identity: null,
  gzip: () => createGunzip(),
  deflate: () => createInflate(),
};

/** Whether a request says it carries a body (of any length but zero). */
export function hasRequestBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Why a body of this Content-Type is not read (415), or null: JSON, in UTF-8 when a charset is named. */
export function contentTypeRefusal(type = ''): UnsupportedMediaType | null {
  // The gateways' exact header skips both patterns.
  if (type === 'application/json') return null;
  if (!JSON_MEDIA_TYPE.test(type)) return new UnsupportedMediaType(BODY_REFUSALS.notJson);
  const charset = CHARSET.exec(type)?.[1].toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8' ? null : new UnsupportedMediaType(BODY_REFUSALS.notUtf8);
}

/**
 * Reads and parses a small UTF-8 JSON body, with the same answers as the app's JsonBodyInterceptor:
 * 415 for another media type, charset or Content-Encoding (identity, gzip and deflate are read), 413 beyond
 * the limit once decompressed (refused before reading when the declared length says so), 400 for a body that
 * does not decompress, is not JSON, or is shaped as checkJsonShape refuses.
 */
export function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const refusal = contentTypeRefusal(req.headers['content-type']);
  if (refusal !== null) return Promise.reject(refusal);
  const contentEncoding = req.headers['content-encoding'];
  const encoding = contentEncoding === undefined ? 'identity' : contentEncoding.trim().toLowerCase();
  if (!Object.hasOwn(DECOMPRESSORS, encoding)) {
    return Promise.reject(new UnsupportedMediaType(BODY_REFUSALS.encodingUnsupported));
  }
  // Closed while the caller was authenticated: what came of the body can no longer be read, and no end will come.
  if (req.destroyed) return Promise.reject(new InvalidRequest(BODY_REFUSALS.cutShort));
  const decompressor = DECOMPRESSORS[encoding];
  if (!decompressor && Number(req.headers['content-length'] ?? 0) > maxBytes) {
    return Promise.reject(new PayloadTooLarge(BODY_REFUSALS.tooLarge));
  }
  const source: Readable = decompressor ? req.pipe(decompressor()) : req;
  return collectBody(req, source, maxBytes, settleJson);
}

/**
 * The body's bytes from `source` (the request, or its decompressor), up to `maxBytes` (413 past it), handed to
 * `settle` at the end; 400 when the client leaves first. Shared by the JSON routes and readRawBody.
 */
export function collectBody<T>(
  req: IncomingMessage,
  source: Readable,
  maxBytes: number,
  settle: (bytes: Buffer, resolve: (body: T) => void, reject: (error: unknown) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    // Most bodies arrive in one chunk: it is kept as is, and only a second one starts a list to concatenate.
    let first: Buffer | null = null;
    let more: Buffer[] | null = null;
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        source.off('data', onData);
        if (source !== req) source.destroy();
        reject(new PayloadTooLarge(BODY_REFUSALS.tooLarge));
        return;
      }
      if (first === null) first = chunk;
      else (more ??= [first]).push(chunk);
    };
    source.on('data', onData);
    // `on`, not `once`: each fires at most once per request, and once's wrapper costs on every request.
    req.on('error', (error: NodeJS.ErrnoException) => reject(error.code === ABORTED_BY_CLIENT ? new InvalidRequest(BODY_REFUSALS.cutShort) : error));
    if (source !== req) source.on('error', () => reject(new InvalidRequest(BODY_REFUSALS.notDecompressible)));
    // A close without an error (none is emitted when nobody listened as it came) and before the end: cut short.
    req.on('close', () => {
      if (!req.readableEnded) reject(new InvalidRequest(BODY_REFUSALS.cutShort));
    });
    source.on('end', () => {
      if (size > maxBytes) return;
      settle(more ? Buffer.concat(more, size) : (first ?? EMPTY), resolve, reject);
    });
  });
}

const EMPTY = Buffer.alloc(0);

/**
 * The code of the error node:http destroys a request with when its client leaves mid-body ("aborted"): the
 * caller's doing, refused like express.json's request.aborted, not an error of ours with a stack.
 */
const ABORTED_BY_CLIENT = 'ECONNRESET';

function settleJson(bytes: Buffer, resolve: (body: unknown) => void, reject: (error: unknown) => void): void {
  // Decoding would replace invalid sequences with U+FFFD, silently changing what the client sent.
  if (!isUtf8(bytes)) return reject(new InvalidRequest(BODY_REFUSALS.invalidUtf8));
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8', startsWithByteOrderMark(bytes) ? BYTE_ORDER_MARK.length : 0));
  } catch {
    return reject(new InvalidRequest(BODY_REFUSALS.malformed));
  }
  try {
    checkJsonShape(body);
    resolve(body);
  } catch (error) {
    reject(error);
  }
}

/**
 * UTF-8's byte order mark, which RFC 8259 §8.1 lets a parser ignore: express.json does (iconv-lite drops one
 * leading mark as it decodes), so a body that starts with one is read alike on every route.
 */
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

function startsWithByteOrderMark(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** The `type` of the error refuseInvalidUtf8 throws, which body-parser keeps on the error it passes on. */
export const INVALID_UTF8_BODY = 'body.invalid_utf8';

/**
 * express.json's `verify` hook: a body that is not valid UTF-8 is refused before it is decoded, since decoding
 * would replace the invalid bytes with U+FFFD and store something the client did not send.
 */
export function refuseInvalidUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw Object.assign(new Error(BODY_REFUSALS.invalidUtf8), { type: INVALID_UTF8_BODY });
}
