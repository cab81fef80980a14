import { plainToInstance } from 'class-transformer';
import { IsInt, IsISO8601, IsNotEmpty, IsString, Matches, Min, ValidateIf, validateSync } from 'class-validator';
import type { PingAnswer, ProbeRecord } from './ledger.port.js';

/** What the chaincode answered does not have the shape the API expects (a version skew or a bug). */
export class LedgerDataError extends Error {
  constructor(what: string, problems: string[]) {
    super(`the ledger answered an invalid ${what}: ${problems.join(', ')}`);
    this.name = 'LedgerDataError';
  }
}

class PingAnswerRecord implements PingAnswer {
  @IsString() @IsNotEmpty() mspId!: string;
  @ValidateIf((_, value) => value !== null) @IsString() role!: string | null;
  @ValidateIf((_, value) => value !== null) @IsString() uid!: string | null;
  @IsISO8601({ strict: true }) time!: string;
  @Matches(/^[0-9a-f]{64}$/) txId!: string;
}

class ProbeRecordRecord implements ProbeRecord {
  @IsString() @IsNotEmpty() probeId!: string;
  @IsInt() @Min(1) revision!: number;
  @IsString() @IsNotEmpty() writerMspId!: string;
  @IsISO8601({ strict: true }) recordedAt!: string;
  @Matches(/^[0-9a-f]{64}$/) txId!: string;
}

function parseRecord<T extends object>(type: new () => T, what: string, json: unknown): T {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new LedgerDataError(what, ['not an object']);
  const record = plainToInstance(type, json);
  const errors = validateSync(record, { forbidUnknownValues: true });
  if (errors.length > 0)
    throw new LedgerDataError(
      what,
      errors.map((error) => error.property),
    );
  return record;
}

export const parsePingAnswer = (json: unknown): PingAnswer => parseRecord(PingAnswerRecord, 'ping answer', json);
export const parseProbeRecord = (json: unknown): ProbeRecord => parseRecord(ProbeRecordRecord, 'probe', json);
