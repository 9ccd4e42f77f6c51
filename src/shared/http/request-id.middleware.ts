import type { NextFunction, Request, Response } from 'express';
import { REQUEST_ID_HEADER, type RequestIdReader } from './request-id.js';

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
  }
}

export function requestIdMiddleware(requestIdOf: RequestIdReader) {
  return (req: Request, res: Response, next: NextFunction): void => {
    req.requestId = requestIdOf(req.headers['x-request-id']);
    res.setHeader(REQUEST_ID_HEADER, req.requestId);
    next();
  };
}
