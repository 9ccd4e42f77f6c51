import type { NextFunction, Request, Response } from 'express';
import { UnsupportedMediaType } from '../application/errors.js';
import { toHttpError } from './error-mapping.js';
import { BODY_REFUSALS } from './read-json-body.js';

/** A request that carries a body must carry JSON; others are refused before parsing. */
export function jsonOnlyMiddleware(req: Request, res: Response, next: NextFunction): void {
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') ||
    req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    const answer = toHttpError(new UnsupportedMediaType(BODY_REFUSALS.notJson));
    res.set(answer.headers).status(answer.status).json(answer.body);
    return;
  }
  next();
}
