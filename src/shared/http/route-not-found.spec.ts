import { NotFoundException } from '@nestjs/common';
import { routeNotFoundWithoutQuery } from './route-not-found.js';

describe('routeNotFoundWithoutQuery', () => {
  const request = { method: 'GET', originalUrl: '/v1/nope?password=hunter2&x=1' };

  it("cuts the query string from Nest's answer to a path no route takes", () => {
    const answer = routeNotFoundWithoutQuery(new NotFoundException(`Cannot GET ${request.originalUrl}`), request);
    expect(answer).toBeInstanceOf(NotFoundException);
    expect((answer as NotFoundException).message).toBe('Cannot GET /v1/nope');
  });

  it('leaves every other error, and a 404 of a route, as it is', () => {
    const ofARoute = new NotFoundException('No such API key: 0192…');
    const other = new Error('Cannot GET /v1/nope?password=hunter2&x=1');
    const withoutQuery = new NotFoundException('Cannot GET /v1/nope');
    expect(routeNotFoundWithoutQuery(ofARoute, request)).toBe(ofARoute);
    expect(routeNotFoundWithoutQuery(other, request)).toBe(other);
    expect(routeNotFoundWithoutQuery(withoutQuery, { method: 'GET', originalUrl: '/v1/nope' })).toBe(withoutQuery);
  });
});
