import { DiscoveryService } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FrontRoute } from './front-route.js';

/**
 * A route a feature serves straight from node:http, ahead of express and Nest (see front-route.ts).
 * No controller describes it, so it adds its own entry to the OpenAPI document.
 */
export interface EdgeRoute extends FrontRoute {
  /** False when the route is switched off by configuration (it then answers 404 like an unknown path). */
  readonly served: boolean;
  /** Schemas its entry refers to by $ref. */
  readonly openApiModels: readonly (abstract new (...args: never[]) => unknown)[];
  document(document: OpenAPIObject): void;
}

/** An OpenAPI `content` of JSON whose schema is one of the document's components, for an edge route's entry. */
export function jsonContent(schema: string) {
  return { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } };
}

/** Marks a provider as an EdgeRoute: the app finds every one of them, whichever feature module provides it. */
export const EdgeRouteProvider = DiscoveryService.createDecorator<void>();

/** Every EdgeRoute the application's modules provide. */
export function findEdgeRoutes(discovery: DiscoveryService): EdgeRoute[] {
  return discovery.getProviders({ metadataKey: EdgeRouteProvider.KEY }).map((wrapper) => wrapper.instance as EdgeRoute);
}
