import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { answerError } from './answer-error.js';
import { bodyParserRefusal } from './error-mapping.js';

const logger = new Logger('Errors');

/** Express error handler for failures raised before Nest sees the request (body parsing). */
export function bodyParserErrorHandler(error: Error, req: Request, res: Response, next: NextFunction): void {
  const refusal = bodyParserRefusal(error);
  if (refusal === null) return next(error);
  answerError(res, refusal, req.requestId, logger);
}
