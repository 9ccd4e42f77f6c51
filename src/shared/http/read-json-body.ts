import type { IncomingMessage } from 'node:http';
import { InvalidRequest, PayloadTooLarge, UnsupportedMediaType } from '../application/errors.js';

export const MAX_BODY_BYTES = 16 * 1024;

/** The answers for a refused body, the same whether express.json or readJsonBody refused it. */
export const BODY_REFUSALS = {
  notJson: 'Request bodies must be JSON (Content-Type: application/json).',
  notUtf8: 'The request body must be UTF-8 JSON.',
  tooLarge: 'The request body is too large.',
  malformed: 'The request body is not valid JSON.',
  notAnObject: 'The request body must be a JSON object.',
} as const;

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * Reads and parses a small UTF-8 JSON body, with the same answers as the app's express.json setup:
 * 415 for another media type or charset, 413 beyond the limit (refused before reading when the
 * declared length says so), 400 for anything that is not JSON.
 */
export function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!JSON_MEDIA_TYPE.test(type)) {
    return Promise.reject(new UnsupportedMediaType(BODY_REFUSALS.notJson));
  }
  const charset = CHARSET.exec(type)?.[1].toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return Promise.reject(new UnsupportedMediaType(BODY_REFUSALS.notUtf8));
  }
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    return Promise.reject(new PayloadTooLarge(BODY_REFUSALS.tooLarge));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        reject(new PayloadTooLarge(BODY_REFUSALS.tooLarge));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', reject);
    req.once('end', () => {
      if (size > maxBytes) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch {
        reject(new InvalidRequest(BODY_REFUSALS.malformed));
      }
    });
  });
}
