import type { Request, Response } from 'express';
import { isFhirResourceType } from './capability-statement.js';
import { FHIR_JSON, operationOutcomeOf } from './operation-outcome.filter.js';

/** Methods the read-only facade takes on its paths. */
const FHIR_METHODS = 'GET, HEAD';

/**
 * Answers what the facade's routes did not, under /fhir/R4, as an OperationOutcome: a 405
 * (with Allow) for another method on a path of a supported type or `metadata`, a 404 for
 * a type or interaction it does not support.
 */
export function fhirFallback(request: Request & { id?: string }, response: Response): void {
  const [first = ''] = request.path.split('/').filter(Boolean);
  const known = first === 'metadata' || isFhirResourceType(first);
  const notAllowed = known && request.method !== 'GET' && request.method !== 'HEAD';
  if (notAllowed) response.setHeader('Allow', FHIR_METHODS);
  const outcome = operationOutcomeOf({
    statusCode: notAllowed ? 405 : 404,
    code: notAllowed ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND',
    message: notAllowed
      ? `the FHIR facade is read-only: ${request.method} is not supported here`
      : `the FHIR facade does not support ${request.method} ${request.baseUrl}${request.path}; see ${request.baseUrl}/metadata`,
    requestId: request.id ?? '',
  });
  response
    .status(notAllowed ? 405 : 404)
    .type(FHIR_JSON)
    .send(JSON.stringify(outcome));
}
