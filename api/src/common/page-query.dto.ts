import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CURSOR_PATTERNS } from './keyset-cursor.js';

/**
 * A whole number given as query text (`20`, `-3`): made a number; any other text (`1.5`,
 * `0x10`, ` 5`, `1e3`) stays text, which IsInt refuses, as the document's `integer` says.
 */
export const IntegerText = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value,
  );

const CURSOR_DESCRIPTION = 'The `nextCursor` of the previous page';

/** `?limit=` of every paginated list. */
export class LimitQueryDto {
  @ApiProperty({ required: false, type: 'integer', minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @IntegerText()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** `?limit=&cursor=` of a list keyed by (time, UUID): the contract's pagination. */
export class PageQueryDto extends LimitQueryDto {
  @ApiProperty({ required: false, pattern: CURSOR_PATTERNS.uuid.source, description: CURSOR_DESCRIPTION })
  @IsOptional()
  @IsString()
  @Matches(CURSOR_PATTERNS.uuid, { message: 'cursor is not one this API issued' })
  cursor?: string;
}

/** `?limit=&cursor=` of a list of ledger events, keyed by (ledger time, transaction ID). */
export class LedgerEventPageQueryDto extends LimitQueryDto {
  @ApiProperty({
    required: false,
    pattern: CURSOR_PATTERNS['transaction-id'].source,
    description: CURSOR_DESCRIPTION,
  })
  @IsOptional()
  @IsString()
  @Matches(CURSOR_PATTERNS['transaction-id'], { message: 'cursor is not one this API issued' })
  cursor?: string;
}
