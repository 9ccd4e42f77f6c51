import express from 'express';
import type { EdgeRoute } from './edge-route.js';
import { allowedInstead, servedRoutes } from './method-not-allowed.middleware.js';

const noop = () => undefined;
const edge = (served: boolean) => ({ methods: ['POST'], path: '/v1/Edge', served }) as unknown as EdgeRoute;

describe('servedRoutes and allowedInstead', () => {
  const app = express();
  app.get('/items', noop);
  app.post('/items', noop);
  app.get('/items/:id', noop);
  app.delete('/items/:id', noop);
  app.all('/anything', noop);
  app.use('/static', noop);
  const routes = servedRoutes(app, [edge(true), edge(false)]);

  it.each([
    ['PUT', '/items', ['GET', 'HEAD', 'POST']],
    ['POST', '/items/42', ['DELETE', 'GET', 'HEAD']],
    ['OPTIONS', '/ITEMS/42/', ['DELETE', 'GET', 'HEAD']],
    ['GET', '/v1/edge', ['POST']],
    ['GET', '/v1/edge/', ['POST']],
    // A parameter that does not decode counts as matching (express then answers it as it always has).
    ['PUT', '/items/%E0%A4%A', ['DELETE', 'GET', 'HEAD']],
  ])('%s %s: not served, these are', (method, path, allowed) => {
    expect(allowedInstead(routes, method, path)).toEqual(allowed);
  });

  it.each([
    ['GET', '/items'],
    ['HEAD', '/items'],
    ['DELETE', '/items/42'],
    ['PATCH', '/anything'],
    ['POST', '/v1/edge'],
    ['PUT', '/static'],
    ['PUT', '/unknown'],
    ['PUT', '/items/42/more'],
    ['GET', '/items/%E0%A4%A'],
  ])('%s %s: served, or no route has the path (left to the router)', (method, path) => {
    expect(allowedInstead(routes, method, path)).toBeNull();
  });

  it('leaves out an edge route that is switched off', () => {
    expect(servedRoutes(app, [edge(false)]).some((route) => route.matches('/v1/edge'))).toBe(false);
  });
});
