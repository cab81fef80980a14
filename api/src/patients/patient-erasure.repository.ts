import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export type ErasureState = 'requested' | 'recorded' | 'done';

/** The durable state of one patient's erasure (table patient_erasures). */
export interface ErasureRow {
  patientId: string;
  requestedBy: string;
  state: ErasureState;
  txId: string | null;
  /** Decimal text; null when a retry found the erasure already on the ledger. */
  blockNumber: string | null;
  erasedAt: Date | null;
  reportsErased: number | null;
}

/**
 * What stands in for a report's title once the patient's content is erased: the column is
 * NOT NULL, and an upload completed later from its saga row writes this instead of PHI.
 */
export const ERASED_TITLE = '[erased]';

const COLUMNS = `patient_id AS "patientId", requested_by AS "requestedBy", state, tx_id AS "txId",
  block_number::text AS "blockNumber", erased_at AS "erasedAt", reports_erased AS "reportsErased"`;

/** Queries of erasure requests, and the scrubbing of a patient's PHI from report metadata. */
@Injectable()
export class PatientErasureRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes the request, or returns the one already there (a retry, or two admins at once). */
  async start(patientId: string, requestedBy: string): Promise<ErasureRow> {
    const [inserted] = await this.dataSource.query<ErasureRow[]>(
      `INSERT INTO patient_erasures (patient_id, requested_by, state) VALUES ($1, $2, 'requested')
       ON CONFLICT (patient_id) DO NOTHING RETURNING ${COLUMNS}`,
      [patientId, requestedBy],
    );
    return inserted ?? (await this.find(patientId))!;
  }

  async find(patientId: string): Promise<ErasureRow | null> {
    const [row] = await this.dataSource.query<ErasureRow[]>(
      `SELECT ${COLUMNS} FROM patient_erasures WHERE patient_id = $1`,
      [patientId],
    );
    return row ?? null;
  }

  /** The ledger holds the erasure: keeps its transaction (first writer wins: a retry never changes it). */
  async markRecorded(
    patientId: string,
    ledger: { txId: string; blockNumber: string | null; erasedAt: string },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE patient_erasures SET state = 'recorded', tx_id = $2, block_number = $3, erased_at = $4, last_error = NULL,
         updated_at = now()
       WHERE patient_id = $1 AND state = 'requested'`,
      [patientId, ledger.txId, ledger.blockNumber, ledger.erasedAt],
    );
  }

  /** Keeps why the last attempt stopped, for operators; the request stays open. */
  async noteFailure(patientId: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE patient_erasures SET last_error = $2, updated_at = now() WHERE patient_id = $1 AND state <> 'done'`,
      [patientId, error.slice(0, 500)],
    );
  }

  /** Forgets a request of this admin that the ledger refused for good (nothing was erased). */
  async discard(patientId: string, requestedBy: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM patient_erasures WHERE patient_id = $1 AND requested_by = $2 AND state = 'requested'`,
      [patientId, requestedBy],
    );
  }

  /**
   * The last step, in one transaction: `destroyKey` (the patient's key-encryption key,
   * within the same transaction), the PHI of the patient's report metadata scrubbed, the
   * request marked done with the number of reports. Does nothing unless the request is
   * `recorded` (the ledger holds the erasure) when its row is locked, so two completions at
   * once (a retry and the recovery pass) do the work once.
   */
  async complete(patientId: string, destroyKey: (manager: EntityManager) => Promise<unknown>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<Array<{ state: ErasureState }>>(
        'SELECT state FROM patient_erasures WHERE patient_id = $1 FOR UPDATE',
        [patientId],
      );
      if (row?.state !== 'recorded') return;
      await destroyKey(manager);
      const reportsErased = await this.scrubReports(patientId, manager);
      await manager.query(
        `UPDATE patient_erasures SET state = 'done', reports_erased = $2, last_error = NULL, updated_at = now()
         WHERE patient_id = $1`,
        [patientId, reportsErased],
      );
    });
  }

  /**
   * Removes the PHI that report metadata holds (titles and file names) and the plaintext
   * digests (which could be tested against guessed contents), in the saga rows of uploads,
   * finished or not, and in the reports. The saga rows first: an upload completing at this
   * moment holds its row, so this waits for it and then finds its report; one completing
   * after takes its report from the row scrubbed here (ReportsRepository.complete). Returns
   * how many reports the patient has.
   */
  private async scrubReports(patientId: string, manager: EntityManager): Promise<number> {
    await manager.query(
      `UPDATE upload_sagas
       SET step_data = (step_data - 'plaintextSha256') || jsonb_build_object('title', $2::text, 'fileName', NULL)
       WHERE step_data->>'patientId' = $1`,
      [patientId, ERASED_TITLE],
    );
    const [, reports] = await manager.query<[unknown[], number]>(
      'UPDATE reports SET title = $2, file_name = NULL, plaintext_sha256 = NULL WHERE patient_id = $1',
      [patientId, ERASED_TITLE],
    );
    return reports;
  }

  /** Requests left unfinished (by a crash or an outage) and not touched for a while. */
  open(idleSeconds: number): Promise<ErasureRow[]> {
    return this.dataSource.query<ErasureRow[]>(
      `SELECT ${COLUMNS} FROM patient_erasures
       WHERE state <> 'done' AND updated_at < now() - make_interval(secs => $1)
       ORDER BY updated_at LIMIT 100`,
      [idleSeconds],
    );
  }
}
