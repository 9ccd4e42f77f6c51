import type { NextFunction, Request, Response } from 'express';
import { bodyParserRefusal, toHttpError } from './error-mapping.js';

/** Express error handler for failures raised before Nest sees the request (body parsing). */
export function bodyParserErrorHandler(error: Error, _req: Request, res: Response, next: NextFunction): void {
  if (bodyParserRefusal(error) === null) {
    next(error);
    return;
  }
  const answer = toHttpError(error);
  res.set(answer.headers).status(answer.status).json(answer.body);
}
