import http from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type express from 'express';

/**
 * express's adapter, with requests and responses made by classes whose prototypes are the app's own.
 * express gives every request it handles its app's prototypes (`Object.setPrototypeOf(req, app.request)`,
 * the same for the response): a prototype change per request, which V8 pays for on that request and in every
 * piece of node:http that later meets objects of both kinds (the routes served ahead of the framework included).
 * With the server constructing them from these classes, that change sets the prototype they already have.
 */
export class ServiceExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    // Nest's own paths for what the service does not use (TLS is terminated in front of it).
    if (options?.httpsOptions || options?.forceCloseConnections || options?.return503OnClosing) return super.initHttpServer(options);
    const app = this.getInstance<express.Express>();
    this.httpServer = http.createServer(requestClassesOf(app), app);
  }
}

/** Classes for node:http whose prototypes become the app's `request` and `response`, inheriting what they had. */
function requestClassesOf(app: express.Express): Pick<http.ServerOptions, 'IncomingMessage' | 'ServerResponse'> {
  class Request extends http.IncomingMessage {}
  class Response extends http.ServerResponse {}
  Object.setPrototypeOf(Request.prototype, app.request);
  Object.setPrototypeOf(Response.prototype, app.response);
  app.request = Request.prototype as unknown as express.Request;
  app.response = Response.prototype as unknown as express.Response;
  return { IncomingMessage: Request, ServerResponse: Response as unknown as typeof http.ServerResponse };
}
