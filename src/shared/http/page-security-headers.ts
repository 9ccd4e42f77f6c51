import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * The headers of every answer under a path a browser renders (the dashboard, the API docs): the page's content
 * security policy, no content-type sniffing and no Referer, set ahead of any route or 405 answer.
 */
export function pageSecurityHeaders(contentSecurityPolicy: string): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };
}
