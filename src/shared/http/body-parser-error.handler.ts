import type { NextFunction, Request, Response } from 'express';
import { errorBody } from './error-response.js';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** Express error handler for failures raised before Nest sees the request (body parsing). */
export function bodyParserErrorHandler(error: BodyParserError, _req: Request, res: Response, next: NextFunction): void {
  switch (error.type) {
    case 'entity.too.large':
      res.status(413).json(errorBody(413, 'The request body is too large.'));
      return;
    case 'entity.parse.failed':
      res.status(400).json(errorBody(400, 'The request body is not valid JSON.'));
      return;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      res.status(415).json(errorBody(415, 'The request body must be UTF-8 JSON.'));
      return;
    default:
      next(error);
  }
}
