import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { ERASURE_STATES, type ErasureState } from './erasure-states.js';
import type { ErasureRequest, PatientErasureRequest } from './erasure-requests.service.js';

export class ErasureRequestIdParams {
  @IsUUID() id!: string;
}

const STATE_DESCRIPTION =
  '`pending-confirmation`: waits for an admin of the patient’s hospital; `confirmed`: takes effect at `effectiveAt`, ' +
  'the patient may still cancel; `taking-effect`: being carried out, no longer cancellable; `erased`: carried out; ' +
  '`cancelled`: withdrawn by the patient';

/** A patient's erasure request, as the patient sees it. */
export class ErasureRequestDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ERASURE_STATES, description: STATE_DESCRIPTION }) state!: ErasureState;
  /** When the patient asked. */
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) confirmedAt!: string | null;
  /** When it takes effect (set by the confirmation); the patient may cancel until then. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) effectiveAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelledAt!: string | null;
  /** When it was carried out. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  /** The delay between an admin's confirmation and the erasure (ERASURE_COOLING_OFF_SECONDS). */
  @ApiProperty({ minimum: 1 }) coolingOffSeconds!: number;

  static from(request: ErasureRequest): ErasureRequestDto {
    return {
      id: request.id,
      state: request.state,
      createdAt: request.requestedAt.toISOString(),
      confirmedAt: request.confirmedAt?.toISOString() ?? null,
      effectiveAt: request.effectiveAt?.toISOString() ?? null,
      cancelledAt: request.cancelledAt?.toISOString() ?? null,
      completedAt: request.completedAt?.toISOString() ?? null,
      coolingOffSeconds: request.coolingOffSeconds,
    };
  }
}

/** A patient's erasure request, as an admin of the patient's hospital sees it. */
export class PatientErasureRequestDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty() patientName!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) patientDateOfBirth!: string | null;
  /** When the patient asked. */
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ enum: ERASURE_STATES, description: STATE_DESCRIPTION }) state!: ErasureState;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) confirmedAt!: string | null;
  /** The admin who confirmed it. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) confirmedBy!: string | null;
  /** When it takes effect; null until confirmed. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) effectiveAt!: string | null;

  static from(request: PatientErasureRequest): PatientErasureRequestDto {
    return {
      id: request.id,
      patientId: request.patientId,
      patientName: request.patientName,
      patientDateOfBirth: request.patientDateOfBirth,
      requestedAt: request.requestedAt.toISOString(),
      state: request.state,
      confirmedAt: request.confirmedAt?.toISOString() ?? null,
      confirmedBy: request.confirmedBy,
      effectiveAt: request.effectiveAt?.toISOString() ?? null,
    };
  }
}

export class PatientErasureRequestListDto {
  @ApiProperty({ type: [PatientErasureRequestDto] }) items!: PatientErasureRequestDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
