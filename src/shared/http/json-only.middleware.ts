import type { NextFunction, Request, Response } from 'express';
import { errorBody } from './error-response.js';

/** A request that carries a body must carry JSON; others are refused before parsing. */
export function jsonOnlyMiddleware(req: Request, res: Response, next: NextFunction): void {
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') ||
    req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    res.status(415).json(errorBody(415, 'Request bodies must be JSON (Content-Type: application/json).'));
    return;
  }
  next();
}
