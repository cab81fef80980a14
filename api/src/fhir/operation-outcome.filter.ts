import { Catch } from '@nestjs/common';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { Response } from 'express';
import { type ErrorEnvelope, ErrorEnvelopeFilter } from '../common/error-envelope.filter.js';
import { MEDLEDGER_CANONICAL } from './fhir-vocabulary.js';

/** The FHIR media type of every answer of the facade, errors included. */
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** The stable error codes of the REST contract (`GRANT_NOT_FOUND`…), as a code system. */
export const ERROR_CODE_SYSTEM = `${MEDLEDGER_CANONICAL}/CodeSystem/error-code`;

/** FHIR's issue type for each HTTP status the facade answers with. */
const ISSUE_TYPES: Record<number, OperationOutcomeIssue['code']> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  408: 'timeout',
  409: 'conflict',
  410: 'deleted',
  413: 'too-costly',
  422: 'processing',
  429: 'throttled',
  503: 'transient',
};

/** An error answer as an OperationOutcome: the issue type by status, the contract's code, the message, the request id. */
export function operationOutcomeOf(envelope: ErrorEnvelope): OperationOutcome {
  const fieldErrors = Array.isArray(envelope.errors) ? envelope.errors : [];
  const listed = fieldErrors
    .map((error: unknown) =>
      typeof error === 'string' ? error : JSON.stringify(error as Record<string, unknown>).slice(0, 500),
    )
    .join('; ');
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: envelope.statusCode >= 500 ? 'fatal' : 'error',
        code: ISSUE_TYPES[envelope.statusCode] ?? 'exception',
        details: {
          coding: [{ system: ERROR_CODE_SYSTEM, code: envelope.code }],
          text: listed ? `${envelope.message}: ${listed}` : envelope.message,
        },
        diagnostics: `requestId ${envelope.requestId}`,
      },
    ],
  };
}

/**
 * The FHIR facade's errors: the same statuses, codes, logging and `Retry-After` as the REST
 * API's (ErrorEnvelopeFilter decides them), answered as an OperationOutcome.
 */
@Catch()
export class OperationOutcomeFilter extends ErrorEnvelopeFilter {
  protected override send(response: Response, envelope: ErrorEnvelope): void {
    response
      .status(envelope.statusCode)
      .type(FHIR_JSON)
      .send(JSON.stringify(operationOutcomeOf(envelope)));
  }
}
