import { InvalidRequest } from '../../../shared/application/errors.js';

/** Where a history page resumes: the next revision of the lifecycle stream and of the usage stream. */
export interface KeyHistoryCursor {
  lifecycle: number;
  usage: number;
}

export const HISTORY_START: KeyHistoryCursor = { lifecycle: 0, usage: 0 };

export function encodeHistoryCursor(cursor: KeyHistoryCursor): string {
  return Buffer.from(`${cursor.lifecycle}.${cursor.usage}`).toString('base64url');
}

export function decodeHistoryCursor(text: string): KeyHistoryCursor {
  const match = /^(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!match) throw new InvalidRequest('cursor: not a cursor this API returned.');
  return { lifecycle: Number(match[1]), usage: Number(match[2]) };
}
