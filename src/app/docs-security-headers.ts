import { pageSecurityHeaders } from '../shared/http/page-security-headers.js';

/**
 * What Swagger UI (/docs) needs and no more: its own scripts and styles (its page has inline <style> blocks and
 * its components set style attributes), its icons as data: URIs, calls to this API only, and no framing.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers of every answer under /docs and of the document, /docs-json and /docs-yaml (until 2026-12-07 without any). */
export const docsSecurityHeaders = pageSecurityHeaders(DOCS_CONTENT_SECURITY_POLICY);
