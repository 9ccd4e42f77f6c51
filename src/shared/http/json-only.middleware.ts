import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { UnsupportedMediaType } from '../application/errors.js';
import { answerError } from './answer-error.js';
import { BODY_REFUSALS } from './read-json-body.js';

const logger = new Logger('Errors');

/** A request that carries a body must carry JSON; others are refused before parsing. */
export function jsonOnlyMiddleware(req: Request, res: Response, next: NextFunction): void {
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') ||
    req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) return answerError(res, new UnsupportedMediaType(BODY_REFUSALS.notJson), req.requestId, logger);
  next();
}
