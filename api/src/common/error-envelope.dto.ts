import { ApiProperty } from '@nestjs/swagger';

/** One refused field of a 400: its (dotted) name and what is wrong with it. */
export class FieldErrorDto {
  @ApiProperty({ example: 'patientId', description: 'The field, nested fields dotted (`grantee.id`)' })
  field!: string;
  @ApiProperty({ type: [String], example: ['patientId must be a UUID'] })
  messages!: string[];
}

/**
 * The contract's error envelope, the body of every error answer (the one exception filter,
 * error-envelope.filter.ts, writes it). An error may add details of its own besides the
 * fields named here, such as the readiness route's `components`.
 */
export class ErrorEnvelopeDto {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 403, description: 'The HTTP status again' })
  statusCode!: number;
  @ApiProperty({
    example: 'GRANT_EXPIRED',
    pattern: '^[A-Z][A-Z0-9_]*$',
    description: 'Stable upper-case code: integrators branch on it, never on the message',
  })
  code!: string;
  @ApiProperty({ description: 'For people; may change' })
  message!: string;
  @ApiProperty({ description: 'The id of the request (its `X-Request-Id` answer header), to find it in the logs' })
  requestId!: string;
  @ApiProperty({
    type: [FieldErrorDto],
    required: false,
    description: 'With a 400 on input: every refused field and why',
  })
  errors?: FieldErrorDto[];
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    required: false,
    description: 'With a 429: the seconds to wait, as `Retry-After` says (for browsers, which may not read it)',
  })
  retryAfterSeconds?: number;
}
