import { BadRequestException, type INestApplication, RequestMethod, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import type { ValidationError } from 'class-validator';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { ErrorEnvelope } from './common/error-envelope.filter.js';
import { requestIdOf } from './common/request-id.js';
import { AppConfig } from './config/app-config.js';

/** Applies everything the API needs around its routes, then initialises it; used by main.ts and the tests alike. */
export async function configureApp(app: NestExpressApplication): Promise<INestApplication> {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  // First of all, so that even a request refused by the body parser has its id.
  app.use((request: Request & { id?: string }, response: Response, next: NextFunction) => {
    request.id = requestIdOf(request, response);
    next();
  });
  app.setGlobalPrefix('api/v1', { exclude: [{ path: 'metrics', method: RequestMethod.GET }] });
  app.use(helmet());
  app.enableCors({ origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false, credentials: false });
  app.useBodyParser('json', { limit: config.JSON_BODY_LIMIT_BYTES });
  app.useBodyParser('urlencoded', { limit: config.JSON_BODY_LIMIT_BYTES, extended: false });
  app.useGlobalPipes(
    new ValidationPipe({
      // The same class-transformer and class-validator instances that the DTOs' decorators
      // registered with: Nest's own dynamic import of them does not see @Type rules.
      transformerPackage: classTransformer,
      validatorPackage: classValidator,
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new BadRequestException({ message: 'invalid input', errors: fieldErrors(errors) }),
    }),
  );
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('MedLedger API')
      .setDescription('Case reports on IPFS, recorded on a Hyperledger Fabric ledger that every hospital endorses')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  await app.init();
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

/** `[{ field: 'patientId', messages: ['patientId must be a UUID'] }]`, nested fields dotted. */
function fieldErrors(errors: ValidationError[], parent = ''): Array<{ field: string; messages: string[] }> {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}
