import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { KeysetPosition } from '../common/keyset-cursor.js';
import type { StoredErasureState } from './erasure-states.js';

/** An erasure request as stored (table erasure_requests), without the steps of carrying it out. */
export interface ErasureRequestRow {
  id: string;
  patientId: string;
  state: StoredErasureState;
  requestedAt: Date;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  effectiveAt: Date | null;
  cancelledAt: Date | null;
  completedAt: Date | null;
}

/** A request with the patient it is about, as an admin of the patient's hospital sees it. */
export interface ErasureRequestWithPatient extends ErasureRequestRow {
  patientName: string;
  patientDateOfBirth: string | null;
  patientHospital: string;
}

const COLUMNS = `r.id, r.patient_id AS "patientId", r.state, r.requested_at AS "requestedAt",
  r.confirmed_by AS "confirmedBy", r.confirmed_at AS "confirmedAt", r.effective_at AS "effectiveAt",
  r.cancelled_at AS "cancelledAt", r.completed_at AS "completedAt"`;

const WITH_PATIENT = `${COLUMNS}, u.full_name AS "patientName", u.date_of_birth::text AS "patientDateOfBirth",
  u.hospital AS "patientHospital"`;

/** Why a cancellation changed nothing. */
export type CancelOutcome = { cancelled: ErasureRequestRow } | { cancelled: null; open: ErasureRequestRow | null };

/**
 * Erasure requests as the patient makes them and an admin confirms them (table
 * erasure_requests); the steps that carry one out are PatientErasureRepository's. Times
 * that decide (the effective time, whether it has come) are the database's, which every
 * API process shares.
 */
@Injectable()
export class ErasureRequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes a new request of the patient and, in the same transaction, whatever `alongside`
   * writes (the admins' notifications); null, and nothing written, when the patient has an
   * open request already (the partial unique index decides, so two at once make one).
   */
  async create(
    id: string,
    patientId: string,
    alongside: (manager: EntityManager, request: ErasureRequestRow) => Promise<unknown>,
  ): Promise<ErasureRequestRow | null> {
    return this.dataSource.transaction(async (manager) => {
      const [created] = await manager.query<ErasureRequestRow[]>(
        `INSERT INTO erasure_requests AS r (id, patient_id, state) VALUES ($1, $2, 'pending-confirmation')
         ON CONFLICT (patient_id) WHERE state <> 'cancelled' DO NOTHING
         RETURNING ${COLUMNS}`,
        [id, patientId],
      );
      if (!created) return null;
      await alongside(manager, created);
      return created;
    });
  }

  /** The patient's request that is not cancelled (waiting, taking effect, or carried out), if any. */
  async openOf(patientId: string): Promise<ErasureRequestRow | null> {
    const [row] = await this.dataSource.query<ErasureRequestRow[]>(
      `SELECT ${COLUMNS} FROM erasure_requests r WHERE r.patient_id = $1 AND r.state <> 'cancelled'`,
      [patientId],
    );
    return row ?? null;
  }

  /**
   * Cancels the patient's request if it has not taken effect: not confirmed yet, or
   * confirmed with its effective time still ahead. Atomic with the worker, which takes only
   * confirmed requests whose time has come. When nothing was cancelled, says what is open.
   */
  async cancel(patientId: string): Promise<CancelOutcome> {
    const [[cancelled]] = await this.dataSource.query<[ErasureRequestRow[], number]>(
      `UPDATE erasure_requests r SET state = 'cancelled', cancelled_at = now(), updated_at = now()
       WHERE r.patient_id = $1
         AND (r.state = 'pending-confirmation' OR (r.state = 'confirmed' AND r.effective_at > now()))
       RETURNING ${COLUMNS}`,
      [patientId],
    );
    if (cancelled) return { cancelled };
    return { cancelled: null, open: await this.openOf(patientId) };
  }

  /**
   * Requests of patients of the hospital that are waiting: for a confirmation, or for their
   * effective time (or for the worker, once it has come); newest first, after a position.
   */
  waitingOf(hospital: string, limit: number, after?: KeysetPosition): Promise<ErasureRequestWithPatient[]> {
    return this.dataSource.query<ErasureRequestWithPatient[]>(
      `SELECT ${WITH_PATIENT}
       FROM erasure_requests r JOIN users u ON u.id = r.patient_id
       WHERE r.state IN ('pending-confirmation', 'confirmed') AND u.hospital = $1
         AND ($2::timestamptz IS NULL OR (r.requested_at, r.id) < ($2::timestamptz, $3::uuid))
       ORDER BY r.requested_at DESC, r.id DESC LIMIT $4`,
      [hospital, after?.at ?? null, after?.id ?? null, limit],
    );
  }

  async findWithPatient(id: string): Promise<ErasureRequestWithPatient | null> {
    const [row] = await this.dataSource.query<ErasureRequestWithPatient[]>(
      `SELECT ${WITH_PATIENT} FROM erasure_requests r JOIN users u ON u.id = r.patient_id WHERE r.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /**
   * Confirms a request that waits for it, as this admin: it takes effect `coolingOffSeconds`
   * from now; `alongside` writes in the same transaction (the patient's notification). Null
   * when the request was not waiting for a confirmation (any more).
   */
  async confirm(
    id: string,
    adminId: string,
    coolingOffSeconds: number,
    alongside: (manager: EntityManager, request: ErasureRequestRow) => Promise<unknown>,
  ): Promise<ErasureRequestRow | null> {
    return this.dataSource.transaction(async (manager) => {
      const [[confirmed]] = await manager.query<[ErasureRequestRow[], number]>(
        `UPDATE erasure_requests r
         SET state = 'confirmed', confirmed_by = $2, confirmed_at = now(),
           effective_at = now() + make_interval(secs => $3), updated_at = now()
         WHERE r.id = $1 AND r.state = 'pending-confirmation'
         RETURNING ${COLUMNS}`,
        [id, adminId, coolingOffSeconds],
      );
      if (!confirmed) return null;
      await alongside(manager, confirmed);
      return confirmed;
    });
  }

  /** The active admins of a hospital: those told of a new request. */
  async activeAdminsOf(hospital: string): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM users WHERE hospital = $1 AND role = 'admin' AND status = 'active' ORDER BY created_at, id`,
      [hospital],
    );
    return rows.map((row) => row.id);
  }
}
