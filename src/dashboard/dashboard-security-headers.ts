import { pageSecurityHeaders } from '../shared/http/page-security-headers.js';

/** The path every dashboard answer is under. */
export const DASHBOARD_PATH = '/dashboard';

/** Only the app's own scripts, styles and images, only its own API, and nothing may frame or post elsewhere. */
export const DASHBOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The dashboard's headers on every answer under /dashboard: its pages and files, its 404s for paths no route
 * serves and the 405s of the methods it does not serve, so it is mounted ahead of the 405 middleware (configureApp).
 */
export const dashboardSecurityHeaders = pageSecurityHeaders(DASHBOARD_CONTENT_SECURITY_POLICY);
