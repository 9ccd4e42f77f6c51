import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { setDashboardSecurityHeaders } from './dashboard-security-headers.js';

/** The dashboard's headers on every answer under /dashboard, its 404s for paths no route serves included. */
@Injectable()
export class DashboardSecurityHeadersMiddleware implements NestMiddleware {
  use(_req: Request, res: Response, next: NextFunction): void {
    setDashboardSecurityHeaders(res);
    next();
  }
}
