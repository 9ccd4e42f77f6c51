import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * The browser features a page of this service may use: none of those listed (the dashboard copies a new key with
 * the clipboard API, which stays allowed). Only features Chromium knows: it warns of an unknown one in the console.
 */
export const PAGE_PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'camera',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'geolocation',
  'gyroscope',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'picture-in-picture',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

/**
 * The headers of every answer under a path a browser renders (the dashboard, the API docs): the page's content
 * security policy, no content-type sniffing, no Referer, no window of another site keeping a handle on the page
 * (Cross-Origin-Opener-Policy), no powerful browser feature, and no framing for browsers that do not read the CSP's
 * frame-ancestors (X-Frame-Options), set ahead of any route or 405 answer. Not on /v1: it writes its own.
 */
export function pageSecurityHeaders(contentSecurityPolicy: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (potentiallyTrustworthy(req)) res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', PAGE_PERMISSIONS_POLICY);
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  };
}

/**
 * Whether a browser honours Cross-Origin-Opener-Policy on this page: over HTTPS (as the proxy says, by TRUST_PROXY)
 * or on a loopback name. Elsewhere (plain HTTP to a host name) Chromium ignores it and logs a console error on every
 * page load, so it is not sent there.
 */
function potentiallyTrustworthy(req: Request): boolean {
  if (req.secure) return true;
  const host = req.hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
