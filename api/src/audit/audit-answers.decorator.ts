import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '../common/ledger-answers.decorator.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (the failing fields are listed): a filter, the limit, or a cursor this API did not issue',
  404: 'Unknown, or not visible to the caller',
  503: 'The database cannot serve now; retry after Retry-After',
};

/**
 * Declares the error answers of an audit route (the roles' 401 and 403 come with @Roles):
 * the statuses given, and 503 for an unavailable database, each with the error envelope.
 */
export function AuditAnswers(...statuses: Array<400 | 404>) {
  return applyDecorators(
    ...[...statuses, 503].map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorEnvelopeDto }),
    ),
  );
}
