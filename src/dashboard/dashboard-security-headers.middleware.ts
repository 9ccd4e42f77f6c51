import type { NextFunction, Request, Response } from 'express';
import { setDashboardSecurityHeaders } from './dashboard-security-headers.js';

/** The path every dashboard answer is under. */
export const DASHBOARD_PATH = '/dashboard';

/**
 * The dashboard's headers on every answer under /dashboard: its 404s for paths no route serves and the 405s of
 * the methods it does not serve included, so it is mounted ahead of the 405 middleware (configureApp).
 */
export function dashboardSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
  setDashboardSecurityHeaders(res);
  next();
}
