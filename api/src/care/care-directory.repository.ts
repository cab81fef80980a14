import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { KeysetPosition } from '../common/keyset-cursor.js';

/** A care assignment as the projection holds it, with the names this node's accounts give. */
export interface CareAssignmentRow {
  assignmentId: string;
  patientId: string;
  /** From this node's accounts; null for a patient it does not have (another hospital's node). */
  patientName: string | null;
  doctorId: string;
  doctorName: string | null;
  assignedBy: string;
  startedAt: Date;
  endedAt: Date | null;
  endedBy: string | null;
  /** The transaction whose version the row shows (the assignment, or its end), and its block as bigint text. */
  txId: string;
  blockNumber: string;
}

export interface CareAssignmentFilter {
  patientId?: string;
  doctorId?: string;
  /** Only running (not ended) or only ended assignments. */
  status?: 'active' | 'ended';
}

/**
 * The care assignments a hospital's admins made, from the ledger projection
 * (projection_care_assignments), with the names of this node's accounts. Writes nothing.
 */
@Injectable()
export class CareDirectoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A page newest first, keyed by (started_at, assignment_id). */
  listAssignments(
    hospitalMspId: string,
    filter: CareAssignmentFilter,
    window: { after?: KeysetPosition; limit: number },
  ): Promise<CareAssignmentRow[]> {
    const parameters: unknown[] = [hospitalMspId];
    const parameter = (value: unknown) => `$${parameters.push(value)}`;
    const conditions = ['c.hospital_msp_id = $1::text'];
    if (filter.patientId !== undefined) conditions.push(`c.patient_id = ${parameter(filter.patientId)}::uuid`);
    if (filter.doctorId !== undefined) conditions.push(`c.doctor_id = ${parameter(filter.doctorId)}::uuid`);
    if (filter.status === 'active') conditions.push('c.ended_at IS NULL');
    if (filter.status === 'ended') conditions.push('c.ended_at IS NOT NULL');
    if (window.after !== undefined) {
      conditions.push(
        `(c.started_at, c.assignment_id) < (${parameter(window.after.at.toISOString())}::timestamptz, ${parameter(window.after.id)}::uuid)`,
      );
    }
    return this.dataSource.query<CareAssignmentRow[]>(
      `SELECT c.assignment_id AS "assignmentId", c.patient_id AS "patientId", p.full_name AS "patientName",
         c.doctor_id AS "doctorId", d.full_name AS "doctorName", c.assigned_by AS "assignedBy",
         c.started_at AS "startedAt", c.ended_at AS "endedAt", c.ended_by AS "endedBy",
         c.last_tx_id AS "txId", c.last_block_number::text AS "blockNumber"
       FROM projection_care_assignments c
       LEFT JOIN users p ON p.id = c.patient_id AND p.role = 'patient'
       LEFT JOIN users d ON d.id = c.doctor_id AND d.role = 'doctor'
       WHERE ${conditions.join(' AND ')}
       ORDER BY c.started_at DESC, c.assignment_id DESC
       LIMIT ${parameter(window.limit)}`,
      parameters,
    );
  }
}
