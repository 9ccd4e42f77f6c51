import { Logger } from '@nestjs/common';
import type { Express, NextFunction, Request, Response } from 'express';
import { MethodNotAllowed } from '../application/errors.js';
import { answerError } from './answer-error.js';
import type { EdgeRoute } from './edge-route.js';

const logger = new Logger('Errors');

/** A path pattern and the methods served on it. */
export interface ServedRoute {
  readonly matches: (path: string) => boolean;
  readonly methods: ReadonlySet<string>;
}

/** What express's router (router 2.x) keeps of each route: its path matchers and its methods. */
interface RouterLayer {
  readonly matchers?: readonly ((path: string) => unknown)[];
  readonly route?: { readonly methods: Record<string, boolean | undefined> };
}

/**
 * The routes registered on express (every Nest controller route, and any route registered on the adapter
 * such as the OpenAPI document's), with HEAD wherever GET is served as express does, plus the edge routes
 * served ahead of the framework.
 */
export function servedRoutes(express: Express, edgeRoutes: readonly EdgeRoute[]): ServedRoute[] {
  const layers = (express.router as unknown as { stack: readonly RouterLayer[] }).stack;
  const fromExpress = layers.flatMap((layer): ServedRoute[] => {
    if (!layer.route || !layer.matchers) return [];
    const methods = Object.keys(layer.route.methods)
      .filter((name) => layer.route?.methods[name])
      .map((name) => (name === '_all' ? '*' : name.toUpperCase()));
    if (methods.includes('GET')) methods.push('HEAD');
    const matchers = layer.matchers;
    return [{ matches: (path) => matchers.some((match) => matchesOrUndecodable(match, path)), methods: new Set(methods) }];
  });
  const fromEdge = edgeRoutes
    .filter((route) => route.served)
    .map((route): ServedRoute => {
      const own = route.path.toLowerCase();
      return { matches: (path) => matchesEdgePath(path.toLowerCase(), own), methods: new Set(route.methods) };
    });
  return [...fromExpress, ...fromEdge];
}

/** A path whose parameter cannot be decoded counts as matching (undecodablePathMiddleware, ahead, leaves none such). */
function matchesOrUndecodable(match: (path: string) => unknown, path: string): boolean {
  try {
    return match(path) !== false;
  } catch {
    return true;
  }
}

function matchesEdgePath(path: string, own: string): boolean {
  return path === own || path === `${own}/`;
}

/** The methods served on a path (sorted), or null when the request's method is one of them or nothing is served there. */
export function allowedInstead(routes: readonly ServedRoute[], method: string, path: string): string[] | null {
  let allowed: Set<string> | null = null;
  for (const route of routes) {
    if (!route.matches(path)) continue;
    if (route.methods.has(method) || route.methods.has('*')) return null;
    allowed ??= new Set();
    for (const served of route.methods) allowed.add(served);
  }
  return allowed ? [...allowed].sort() : null;
}

/**
 * Answers 405 with `Allow` when the path is served but not with this method (TRACE, PUT, OPTIONS...), before
 * anything reads the body; unknown paths go on to the 404. The routes are read from express on the first
 * request, when Nest has registered them all, so a new controller route is covered without a table to edit.
 */
export function methodNotAllowedMiddleware(routesOnceRegistered: () => readonly ServedRoute[]) {
  let routes: readonly ServedRoute[] | null = null;
  return (req: Request, res: Response, next: NextFunction): void => {
    routes ??= routesOnceRegistered();
    const allowed = allowedInstead(routes, req.method, req.path);
    if (allowed === null) return next();
    answerError(res, new MethodNotAllowed(req.method, allowed), req.requestId, logger);
  };
}
