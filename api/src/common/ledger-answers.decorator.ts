import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';

/** The contract's error envelope, as the OpenAPI document describes every error answer. */
export class ErrorEnvelopeDto {
  @ApiProperty({ example: 403 }) statusCode!: number;
  @ApiProperty({ example: 'GRANT_EXPIRED', description: 'Stable upper-case code' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty() requestId!: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (the failing fields are listed)',
  404: 'Unknown, or not visible to the caller',
  409: 'Conflicts with the current state on the ledger',
  422: 'The stored content failed a check against the ledger (INTEGRITY_FAILED); nothing unverified was released',
  503: 'The ledger (or the database) cannot serve now; retry after Retry-After',
};

/**
 * Declares the error answers of a route that goes to the ledger: the statuses given, and
 * 503 for an unavailable ledger, each with the error envelope.
 */
export function LedgerAnswers(...statuses: Array<400 | 404 | 409 | 422>) {
  return applyDecorators(
    ...[...statuses, 503].map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorEnvelopeDto }),
    ),
  );
}
