import type { NestExpressApplication } from '@nestjs/platform-express';
import { DiscoveryService } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { documentRateLimitHeaders } from '../keys/authentication/rate-limit-headers.openapi.js';
import { Environment } from '../shared/config/environment.js';
import { parseTrustProxy } from '../shared/config/trust-proxy.js';
import { AllExceptionsFilter } from '../shared/http/all-exceptions.filter.js';
import { documentErrorAnswerHeaders } from '../shared/http/error-answer-headers.openapi.js';
import { setApiAnswerHeaders } from '../shared/http/api-answer-headers.js';
import { applyConnectionLimits } from '../shared/http/connection-limits.js';
import { findEdgeRoutes } from '../shared/http/edge-route.js';
import { serveOnlyClientsStillThere } from '../shared/http/departed-clients.js';
import { LoopLateness } from '../shared/runtime/loop-lateness.js';
import { serveAheadOfFramework } from '../shared/http/front-route.js';
import { closeRequestBodySchemas } from '../shared/http/closed-request-bodies.js';
import { JsonBodyInterceptor } from '../shared/http/json-body.interceptor.js';
import { methodNotAllowedMiddleware, servedRoutes } from '../shared/http/method-not-allowed.middleware.js';
import { requestIdMiddleware } from '../shared/http/request-id.middleware.js';
import { requestIdReader } from '../shared/http/request-id.js';
import { documentRequestIdHeader } from '../shared/http/request-id-header.openapi.js';
import { documentNoStoreHeader } from '../shared/http/no-store-header.openapi.js';
import { undecodablePathMiddleware } from '../shared/http/undecodable-path.middleware.js';
import { strictValidationPipe } from '../shared/http/validation.pipe.js';
import { DASHBOARD_PATH, dashboardSecurityHeaders } from '../dashboard/dashboard-security-headers.js';
import { docsSecurityHeaders } from './docs-security-headers.js';
import { DOCS_FILES_ROUTE, staticFilesRoute } from './observability/access-log.js';
import { HttpObservation } from './observability/http-observation.js';
import { configuredSecrets } from './start/start-failure.js';
import {
  API_KEY_SECURITY,
  API_KEY_SECURITY_SCHEME,
  METRICS_TOKEN_SECURITY,
  METRICS_TOKEN_SECURITY_SCHEME,
  SERVICE_CREDENTIAL_SECURITY,
  SERVICE_CREDENTIAL_SECURITY_SCHEME,
} from '../shared/http/security-schemes.js';

/** Everything between the socket and the controllers; main.ts and the e2e tests share it. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.disable('x-powered-by');
  // Responses are per-caller JSON, never cached: an ETag would only cost a hash per response.
  app.set('etag', false);
  const environment = app.get(Environment);
  app.set('trust proxy', parseTrustProxy(environment.TRUST_PROXY) ?? false);
  const observation = app.get(HttpObservation);
  applyConnectionLimits(app.getHttpServer(), environment, observation.refused);
  // A secret sent as a request id would be echoed, logged and stored with the use: such an id is replaced.
  const requestIdOf = requestIdReader(configuredSecrets(environment));
  app.use(requestIdMiddleware(requestIdOf));
  app.use(observation.middleware);
  const edgeRoutes = findEdgeRoutes(app.get(DiscoveryService));
  // Wraps the framework's listener only: the edge routes write the same headers themselves (sendJson).
  setApiAnswerHeaders(app.getHttpServer());
  serveAheadOfFramework(
    app.getHttpServer(),
    // One not served (verify without VERIFY_TOKEN) is left to express, whose 404 is logged and measured as any
    // unmatched request's: answered ahead of it, that 404 was in neither (a gateway without the token, unseen).
    edgeRoutes.filter((route) => route.served),
    (app.getHttpAdapter().getInstance() as express.Express).get('trust proxy fn'),
    observation.observe,
    requestIdOf,
  );
  // Outermost: a request whose client left while it waited to be read is dropped before any route sees it.
  const lateness = new LoopLateness();
  lateness.start();
  app.getHttpServer().once('close', () => lateness.stop());
  serveOnlyClientsStillThere(app.getHttpServer(), lateness, observation.dropped);
  // Ahead of the 405 answers, which are the dashboard's and the docs' answers too.
  app.use(DASHBOARD_PATH, dashboardSecurityHeaders);
  app.use(['/docs', '/docs-json', '/docs-yaml'], docsSecurityHeaders);
  app.use('/docs', staticFilesRoute(DOCS_FILES_ROUTE));
  // Ahead of every route's matching, which decodes the path's parameters.
  app.use(undecodablePathMiddleware);
  app.use(methodNotAllowedMiddleware(() => servedRoutes(app.getHttpAdapter().getInstance() as express.Express, edgeRoutes)));
  // The body is read after authentication, by an interceptor (guards run first): see JsonBodyInterceptor.
  app.useGlobalInterceptors(new JsonBodyInterceptor());
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('ParseSphere Keys')
      .setDescription('Issue, list and revoke ParseSphere API keys. Every /v1 route refuses a query parameter it does not declare here (400, "<name> is not a known field").')
      .setVersion('1')
      .addBearerAuth(API_KEY_SECURITY_SCHEME, API_KEY_SECURITY)
      .addBearerAuth(SERVICE_CREDENTIAL_SECURITY_SCHEME, SERVICE_CREDENTIAL_SECURITY)
      .addBearerAuth(METRICS_TOKEN_SECURITY_SCHEME, METRICS_TOKEN_SECURITY)
      .build(),
    { extraModels: edgeRoutes.flatMap((route) => route.openApiModels as unknown as (new () => unknown)[]) },
  );
  for (const route of edgeRoutes) route.document(document);
  closeRequestBodySchemas(document);
  documentRateLimitHeaders(document);
  documentErrorAnswerHeaders(document);
  documentRequestIdHeader(document);
  documentNoStoreHeader(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  return app;
}
