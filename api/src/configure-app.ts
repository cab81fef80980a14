import { type INestApplication, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { Server as HttpServer } from 'node:http';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { ErrorEnvelope } from './common/error-envelope.filter.js';
import { MethodNotAllowed } from './common/method-not-allowed.js';
import { createOpenApiDocument } from './common/openapi-document.js';
import { requestBodyDeadline } from './common/request-body-deadline.js';
import { requestIdOf } from './common/request-id.js';
import { createValidationPipe } from './common/validation.js';
import { AppConfig } from './config/app-config.js';
import { NETWORK_PROFILE, type NetworkProfile } from './ledger/network-profile.js';
import { servePortal } from './portal/serve-portal.js';

/** Request headers must arrive within this time (Node's default, kept explicitly now that requestTimeout is off). */
const HEADERS_TIMEOUT_MS = 60_000;

/** The API's own answers and the FHIR facade's: every one of them (errors too) is about a user and may hold PHI. */
const API_PATH = /^\/(api\/v1|fhir)(\/|$)/i;

/** Applies everything the API needs around its routes, then initialises it; used by main.ts and the tests alike. */
export async function configureApp(app: NestExpressApplication): Promise<INestApplication> {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  // First of all, so that even a request refused by the body parser has its id.
  app.use((request: Request & { id?: string }, response: Response, next: NextFunction) => {
    request.id = requestIdOf(request, response);
    // No browser or proxy keeps any answer of the API (a patient's record, an error naming them).
    if (API_PATH.test(request.path)) response.setHeader('Cache-Control', 'no-store');
    next();
  });
  // No fixed deadline for a whole request (Node's default requestTimeout, 300 s, would cut a
  // slow but progressing 100 MiB upload): uploads are cut when they stall
  // (UPLOAD_IDLE_TIMEOUT_SECONDS), other bodies past REQUEST_BODY_TIMEOUT_SECONDS, headers
  // after HEADERS_TIMEOUT_MS.
  const server = app.getHttpServer() as HttpServer;
  server.requestTimeout = 0;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  app.use(requestBodyDeadline(config.REQUEST_BODY_TIMEOUT_SECONDS * 1000));
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'metrics', method: RequestMethod.GET },
      { path: 'fhir/R4/{*rest}', method: RequestMethod.ALL },
    ],
  });
  app.use(helmet());
  app.enableCors({ origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false, credentials: false });
  // A method that a documented path does not have: 405 with Allow, before any body is read.
  const methods = new MethodNotAllowed();
  app.use(methods.middleware);
  app.useBodyParser('json', { limit: config.JSON_BODY_LIMIT_BYTES });
  app.useBodyParser('urlencoded', { limit: config.JSON_BODY_LIMIT_BYTES, extended: false });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const network = app.get<NetworkProfile>(NETWORK_PROFILE);
  const document = createOpenApiDocument(app, { hospitals: network.hospitals.map(({ hospital }) => hospital) });
  methods.learn(document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  await app.init();
  // After the routes: the portal answers only what the API did not.
  app.use(servePortal(config.WEB_DIST_DIR));
  // Nest answers unknown routes under its prefix; this answers the rest the same way.
  app.use((request: Request & { id?: string }, response: Response) => {
    const envelope: ErrorEnvelope = {
      statusCode: 404,
      code: 'NOT_FOUND',
      message: `Cannot ${request.method} ${request.path}`,
      requestId: request.id ?? '',
    };
    response.status(404).json(envelope);
  });
  return app;
}
