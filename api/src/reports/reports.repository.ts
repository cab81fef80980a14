import type { KeysetPosition } from '../common/keyset-cursor.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PreparedStatement } from '../database/prepared-statement.js';

/**
 * `receiving` (content on its way to IPFS), `stored` (content pinned, its CID, digests and
 * wrapped keys noted), then `completed` (on the ledger, report row written) or `rolled_back`.
 * `recorded` (the ledger proof noted, the report row not yet written) is a state that
 * earlier versions wrote between the last two: recovery still completes such rows.
 */
export type SagaState = 'receiving' | 'stored' | 'recorded' | 'completed' | 'rolled_back';

/** What each step of an upload left behind, so that a restart can finish or undo it. */
export interface SagaSteps {
  /** Which content store holds the upload's content: only a replica using that store settles it. */
  contentStore?: 'kubo' | 'helia';
  /** Who adds the record: a clinician, or the patient (patient-provided). Absent in sagas of earlier versions: a doctor. */
  authorRole?: 'doctor' | 'patient';
  patientId?: string;
  type?: string;
  title?: string;
  fileName?: string | null;
  contentType?: string;
  cid?: string;
  ciphertextSha256?: string;
  ciphertextSize?: number;
  plaintextSha256?: string;
  plaintextSize?: number;
  plaintextCommitment?: string;
  /** base64 of the record keys wrapped under the patient's key (safe at rest). */
  wrappedDataKey?: string;
  wrappedCommitmentKey?: string;
  txId?: string;
  blockNumber?: string;
  recordedAt?: string;
}

export interface UploadSaga {
  id: string;
  userId: string;
  idempotencyKey: string | null;
  reportId: string;
  state: SagaState;
  steps: SagaSteps;
  updatedAt: Date;
}

export interface ReportRow {
  id: string;
  patientId: string;
  authorId: string;
  type: string;
  title: string;
  fileName: string | null;
  contentType: string;
  plaintextSize: number;
  /** Null once the patient's content was erased. */
  plaintextSha256: string | null;
  cid: string;
  ciphertextSha256: string;
  ciphertextSize: number;
  plaintextCommitment: string;
  encryptionScheme: string;
  txId: string;
  blockNumber: string;
  recordedAt: Date;
  wrappedDataKey: Buffer;
  wrappedCommitmentKey: Buffer;
}

const SAGA_COLUMNS =
  'id, user_id AS "userId", idempotency_key AS "idempotencyKey", report_id AS "reportId", state, step_data AS steps, updated_at AS "updatedAt"';
const REPORT_COLUMNS = `r.id, r.patient_id AS "patientId", r.author_id AS "authorId", r.type, r.title, r.file_name AS "fileName",
  r.content_type AS "contentType", r.plaintext_size::float8 AS "plaintextSize", r.plaintext_sha256 AS "plaintextSha256", r.cid,
  r.ciphertext_sha256 AS "ciphertextSha256", r.ciphertext_size::float8 AS "ciphertextSize", r.plaintext_commitment AS "plaintextCommitment",
  r.encryption_scheme AS "encryptionScheme", r.tx_id AS "txId", r.block_number::text AS "blockNumber", r.recorded_at AS "recordedAt",
  k.wrapped_data_key AS "wrappedDataKey", k.wrapped_commitment_key AS "wrappedCommitmentKey"`;

/** The statements of every upload, prepared once per connection. */
const START_SAGA = new PreparedStatement<UploadSaga>(
  'reports.start-saga',
  `INSERT INTO upload_sagas (id, user_id, idempotency_key, report_id, state, step_data)
   VALUES ($1, $2, $3, $4, 'receiving', $5)
   ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO UPDATE
     SET report_id = EXCLUDED.report_id, state = 'receiving', step_data = EXCLUDED.step_data,
         last_error = NULL, updated_at = now()
     WHERE upload_sagas.state = 'rolled_back'
   RETURNING ${SAGA_COLUMNS}`,
);
const ADVANCE_SAGA = new PreparedStatement<never>(
  'reports.advance-saga',
  `UPDATE upload_sagas SET state = $4, step_data = step_data || $5::jsonb, last_error = $6, updated_at = now()
   WHERE id = $1 AND report_id = $2 AND state = ANY($3::text[])`,
);
const TOUCH_SAGA = new PreparedStatement<never>(
  'reports.touch-saga',
  `UPDATE upload_sagas SET updated_at = now() WHERE id = $1 AND report_id = $2 AND state IN ('receiving', 'stored')`,
);
const COMPLETE_SAGA = new PreparedStatement<{ completed: number }>(
  'reports.complete-saga',
  `WITH saga AS (
     UPDATE upload_sagas SET state = 'completed', step_data = step_data || $5::jsonb, updated_at = now()
     WHERE id = $1 AND report_id = $2 AND state = ANY($4::text[])
     RETURNING step_data AS s
   ), report AS (
     INSERT INTO reports (id, patient_id, author_id, type, title, file_name, content_type, plaintext_size,
       plaintext_sha256, cid, ciphertext_sha256, ciphertext_size, plaintext_commitment, encryption_scheme, tx_id,
       block_number, recorded_at)
     SELECT $2, (s->>'patientId')::uuid, $3, s->>'type', s->>'title', s->>'fileName', s->>'contentType',
       (s->>'plaintextSize')::bigint, s->>'plaintextSha256', s->>'cid', s->>'ciphertextSha256',
       (s->>'ciphertextSize')::bigint, s->>'plaintextCommitment', 'aes-256-gcm-chunked-v1', s->>'txId',
       (s->>'blockNumber')::bigint, (s->>'recordedAt')::timestamptz
     FROM saga
     ON CONFLICT (id) DO NOTHING
   ), envelope AS (
     INSERT INTO key_envelopes (report_id, patient_id, wrapped_data_key, wrapped_commitment_key)
     SELECT $2, (s->>'patientId')::uuid, decode(s->>'wrappedDataKey', 'base64'),
       decode(s->>'wrappedCommitmentKey', 'base64')
     FROM saga
     ON CONFLICT (report_id) DO NOTHING
   )
   SELECT count(*)::int AS completed FROM saga`,
);

/** Queries of reports, their key envelopes and the durable state of uploads. */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Starts an upload. With an idempotency key this user already used, returns that upload
   * instead (`existing`), unless it was rolled back: then it starts over under the same key
   * with a fresh report id, as a retry after a failure should.
   */
  async startSaga(saga: Omit<UploadSaga, 'updatedAt' | 'state'>): Promise<{ saga: UploadSaga; existing: boolean }> {
    const {
      rows: [started],
    } = await START_SAGA.run(this.dataSource, [
      saga.id,
      saga.userId,
      saga.idempotencyKey,
      saga.reportId,
      JSON.stringify(saga.steps),
    ]);
    if (started) return { saga: started, existing: false };
    const [existing] = await this.dataSource.query<UploadSaga[]>(
      `SELECT ${SAGA_COLUMNS} FROM upload_sagas WHERE user_id = $1 AND idempotency_key = $2`,
      [saga.userId, saga.idempotencyKey],
    );
    return { saga: existing, existing: true };
  }

  /**
   * Moves an upload of this report from one of the states `from` to `to`, adding what the
   * step left behind. False when the upload was no longer in such a state (the recovery
   * worker, or the uploading request, got there first): the caller must not go on blindly.
   */
  async advance(
    saga: Pick<UploadSaga, 'id' | 'reportId'>,
    from: SagaState[],
    to: SagaState,
    steps: SagaSteps,
    error?: string,
  ): Promise<boolean> {
    const { rowCount: changed } = await ADVANCE_SAGA.run(this.dataSource, [
      saga.id,
      saga.reportId,
      from,
      to,
      JSON.stringify(steps),
      error ?? null,
    ]);
    return changed > 0;
  }

  /** Marks an upload as still being worked on, so that the recovery worker leaves it alone. */
  async touch(saga: Pick<UploadSaga, 'id' | 'reportId'>): Promise<void> {
    await TOUCH_SAGA.run(this.dataSource, [saga.id, saga.reportId]);
  }

  /**
   * Completes an upload that was in one of the states `from`: adds what its last step left
   * behind (`steps`: the ledger proof) to its row, writes the report and its key envelope
   * from what the row then holds, and closes it; one statement, so all or nothing. Reading
   * the row (not what a request holds in memory) matters when the patient's content was
   * erased meanwhile: the erasure scrubbed the row, so no PHI comes back. False when the
   * upload was in none of those states (another replica, or the request, got there first).
   */
  async complete(
    saga: Pick<UploadSaga, 'id' | 'reportId'>,
    authorId: string,
    from: SagaState[],
    steps: SagaSteps,
  ): Promise<boolean> {
    const {
      rows: [{ completed }],
    } = await COMPLETE_SAGA.run(this.dataSource, [saga.id, saga.reportId, authorId, from, JSON.stringify(steps)]);
    return completed > 0;
  }

  /** Whether this upload (this attempt: the same report ID) is recorded or completed by now. */
  async isRecorded(saga: Pick<UploadSaga, 'id' | 'reportId'>): Promise<boolean> {
    const now = await this.findSaga(saga.id);
    return now?.reportId === saga.reportId && (now.state === 'recorded' || now.state === 'completed');
  }

  /** The upload's row as it is now. */
  async findSaga(sagaId: string): Promise<UploadSaga | null> {
    const [saga] = await this.dataSource.query<UploadSaga[]>(`SELECT ${SAGA_COLUMNS} FROM upload_sagas WHERE id = $1`, [
      sagaId,
    ]);
    return saga ?? null;
  }

  async findReport(id: string): Promise<ReportRow | null> {
    const [row] = await this.dataSource.query<ReportRow[]>(
      `SELECT ${REPORT_COLUMNS} FROM reports r JOIN key_envelopes k ON k.report_id = r.id WHERE r.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** Titles and plaintext facts of reports, by id (the ledger says which ones a caller may see). */
  async findMetadata(ids: string[]): Promise<
    Map<
      string,
      {
        title: string;
        plaintextSha256: string | null;
        plaintextSize: number;
        contentType: string;
        blockNumber: string | null;
      }
    >
  > {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        title: string;
        plaintextSha256: string | null;
        plaintextSize: number;
        contentType: string;
        blockNumber: string | null;
      }>
    >(
      `SELECT id, title, plaintext_sha256 AS "plaintextSha256", plaintext_size::float8 AS "plaintextSize", content_type AS "contentType",
              block_number::text AS "blockNumber"
       FROM reports WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Reports in the order they were recorded (then by id), after a position, optionally of one patient. */
  listRecorded(filter: {
    patientId?: string;
    after?: KeysetPosition;
    limit: number;
  }): Promise<Array<{ id: string; patientId: string; recordedAt: Date }>> {
    return this.dataSource.query(
      `SELECT id, patient_id AS "patientId", recorded_at AS "recordedAt" FROM reports
       WHERE ($1::uuid IS NULL OR patient_id = $1)
         AND ($2::timestamptz IS NULL OR (recorded_at, id) > ($2::timestamptz, $3::uuid))
       ORDER BY recorded_at, id LIMIT $4`,
      [filter.patientId ?? null, filter.after?.at ?? null, filter.after?.id ?? null, filter.limit],
    );
  }

  /**
   * Claims uploads into a content store left unfinished (by a crash or a failure) and idle
   * for `idleSeconds`: marks them touched, so that no other recovery worker takes them for
   * another idle period, and skips those another worker is claiming at this moment.
   */
  async claimIdleSagas(contentStore: string, idleSeconds: number): Promise<UploadSaga[]> {
    // An UPDATE answers [rows, count].
    const [claimed] = await this.dataSource.query<[UploadSaga[], number]>(
      `UPDATE upload_sagas SET updated_at = now()
       WHERE id IN (
         SELECT id FROM upload_sagas
         WHERE state NOT IN ('completed', 'rolled_back') AND updated_at < now() - make_interval(secs => $2)
           AND step_data->>'contentStore' = $1
         ORDER BY updated_at LIMIT 100
         FOR UPDATE SKIP LOCKED)
       RETURNING ${SAGA_COLUMNS}`,
      [contentStore, idleSeconds],
    );
    return claimed;
  }
}
