import type { NextFunction, Request, Response } from 'express';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
  }
}

export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  req.requestId = requestIdFrom(req.headers['x-request-id']);
  res.setHeader(REQUEST_ID_HEADER, req.requestId);
  next();
}
