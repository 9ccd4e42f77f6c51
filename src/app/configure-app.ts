import type { NestExpressApplication } from '@nestjs/platform-express';
import { DiscoveryService } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { AllExceptionsFilter } from '../shared/http/all-exceptions.filter.js';
import { findEdgeRoutes } from '../shared/http/edge-route.js';
import { serveAheadOfFramework } from '../shared/http/front-route.js';
import { closeRequestBodySchemas } from '../shared/http/closed-request-bodies.js';
import { bodyParserErrorHandler } from '../shared/http/body-parser-error.handler.js';
import { jsonOnlyMiddleware } from '../shared/http/json-only.middleware.js';
import { MAX_BODY_BYTES, refuseInvalidUtf8 } from '../shared/http/read-json-body.js';
import { requestIdMiddleware } from '../shared/http/request-id.middleware.js';
import { strictValidationPipe } from '../shared/http/validation.pipe.js';
import { API_KEY_SECURITY_SCHEME, SERVICE_CREDENTIAL_SECURITY, SERVICE_CREDENTIAL_SECURITY_SCHEME } from '../shared/http/security-schemes.js';

/** Everything between the socket and the controllers; main.ts and the e2e tests share it. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.disable('x-powered-by');
  // Responses are per-caller JSON, never cached: an ETag would only cost a hash per response.
  app.set('etag', false);
  app.set('trust proxy', 'loopback');
  app.use(requestIdMiddleware);
  const edgeRoutes = findEdgeRoutes(app.get(DiscoveryService));
  serveAheadOfFramework(app.getHttpServer(), edgeRoutes, (app.getHttpAdapter().getInstance() as express.Express).get('trust proxy fn'));
  app.use(jsonOnlyMiddleware);
  // Not strict: a body of `5` or `null` is JSON, refused by the validation pipe as not an object rather than as not JSON.
  app.use(express.json({ limit: MAX_BODY_BYTES, strict: false, verify: refuseInvalidUtf8 }));
  app.use(bodyParserErrorHandler);
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('ParseSphere Keys')
      .setDescription('Issue, list and revoke ParseSphere API keys.')
      .setVersion('1')
      .addBearerAuth(API_KEY_SECURITY_SCHEME, 'bearer')
      .addBearerAuth(SERVICE_CREDENTIAL_SECURITY_SCHEME, SERVICE_CREDENTIAL_SECURITY)
      .build(),
    { extraModels: edgeRoutes.flatMap((route) => route.openApiModels as unknown as (new () => unknown)[]) },
  );
  for (const route of edgeRoutes) route.document(document);
  closeRequestBodySchemas(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
