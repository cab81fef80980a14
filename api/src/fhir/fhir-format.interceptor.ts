import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { UnsupportedFormatError } from './fhir.errors.js';
import { FHIR_JSON } from './operation-outcome.filter.js';

/** `_format` values that mean FHIR JSON. */
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);

/**
 * The facade speaks FHIR JSON only: a request for another format (`_format=xml`, or an
 * Accept header that takes no JSON) is a 406; every answer is `application/fhir+json`.
 */
@Injectable()
export class FhirFormatInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const format = request.query._format;
    if (format !== undefined && !(typeof format === 'string' && JSON_FORMATS.has(format.split(';')[0].trim()))) {
      throw new UnsupportedFormatError('this server answers in FHIR JSON only (_format=json)');
    }
    if (request.headers.accept !== undefined && !request.accepts(['application/fhir+json', 'application/json'])) {
      throw new UnsupportedFormatError('this server answers in application/fhir+json only');
    }
    http.getResponse<Response>().type(FHIR_JSON);
    return next.handle();
  }
}
