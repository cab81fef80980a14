import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AccessOutcome } from './audit-entries.js';
import type { KeysetPosition } from '../common/keyset-cursor.js';
import { STAFF_ROLES } from '../users/admin.dto.js';

/** An access row as the projection holds it (MSP IDs, the block number as PostgreSQL's bigint text). */
export interface AccessRow {
  txId: string;
  blockNumber: string;
  at: Date;
  outcome: AccessOutcome;
  refusalCode: string | null;
  reportId: string;
  patientId: string;
  reportType: string | null;
  actorId: string;
  actorRole: string;
  actorMspId: string;
  /** From this node's accounts, for a member of staff only; null for a patient, or a user it does not have. */
  actorFullName: string | null;
  basis: string | null;
  grantId: string | null;
  granteeKind: string | null;
  purposeOfUse: string | null;
}

/** An event row of a timeline, as the projection holds it. */
export interface TimelineRow {
  txId: string;
  blockNumber: string;
  at: Date;
  event: string;
  subjectType: string;
  subjectId: string;
  actorId: string | null;
  actorRole: string | null;
  actorMspId: string | null;
  reportId: string | null;
  purposeOfUse: string | null;
  outcome: string | null;
  refusalCode: string | null;
}

/**
 * Whose accesses a list may hold: those a hospital is party to (its patients' records, or
 * opened by its users), or those of one patient's records.
 */
export type AccessScope = { hospitalMspId: string } | { patientId: string };

export interface AccessFilter {
  actorId?: string;
  patientId?: string;
  reportId?: string;
  txId?: string;
  outcome?: AccessOutcome;
  /** Ledger times, both inclusive. */
  from?: Date;
  to?: Date;
}

/** Which timeline: a report's or a patient's. */
export type TimelineSubject = { reportId: string } | { patientId: string };

export interface TimelineFilter {
  /** Only the events this hospital is party to (patient's, actor's or grantee's hospital); all when absent. */
  hospitalMspId?: string;
  from?: Date;
  to?: Date;
}

/** Rows after a position, newest first. */
export interface PageWindow {
  after?: KeysetPosition;
  limit: number;
}

/** Numbered parameters of one statement: each value once, referred to as often as needed. */
class Parameters {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const ACCESS_COLUMNS = `tx_id, block_number, at, outcome, refusal_code, report_id, patient_id, actor_id, actor_role,
  actor_msp_id, basis, grant_id, grantee_kind, purpose_of_use`;

/**
 * The conditions of an access list beyond its scope. Each ends in the keyset `(at, tx_id)`,
 * which every index of projection_accesses ends in: one backward index range scan a branch.
 */
function accessConditions(filter: AccessFilter, after: KeysetPosition | undefined, parameters: Parameters): string {
  const conditions: string[] = [];
  if (filter.patientId !== undefined) conditions.push(`patient_id = ${parameters.add(filter.patientId)}::uuid`);
  if (filter.actorId !== undefined) conditions.push(`actor_id = ${parameters.add(filter.actorId)}::uuid`);
  if (filter.reportId !== undefined) conditions.push(`report_id = ${parameters.add(filter.reportId)}::uuid`);
  if (filter.txId !== undefined) conditions.push(`tx_id = ${parameters.add(filter.txId)}::text`);
  if (filter.outcome !== undefined) conditions.push(`outcome = ${parameters.add(filter.outcome)}::text`);
  if (filter.from !== undefined) conditions.push(`at >= ${parameters.add(filter.from.toISOString())}::timestamptz`);
  if (filter.to !== undefined) conditions.push(`at <= ${parameters.add(filter.to.toISOString())}::timestamptz`);
  if (after !== undefined) {
    conditions.push(
      `(at, tx_id) < (${parameters.add(after.at.toISOString())}::timestamptz, ${parameters.add(after.id)}::text)`,
    );
  }
  return conditions.map((condition) => ` AND ${condition}`).join('');
}

/** The page of projection_accesses rows (columns ACCESS_COLUMNS), newest first, that a scope allows. */
function scopedAccesses(scope: AccessScope, filter: AccessFilter, window: PageWindow, parameters: Parameters): string {
  const order = 'ORDER BY at DESC, tx_id DESC';
  if ('patientId' in scope) {
    const patient = parameters.add(scope.patientId);
    const conditions = accessConditions(filter, window.after, parameters);
    return `SELECT ${ACCESS_COLUMNS} FROM projection_accesses
      WHERE patient_id = ${patient}::uuid${conditions}
      ${order} LIMIT ${parameters.add(window.limit)}`;
  }
  // Rows of the hospital's patients, and rows of its users opening another hospital's
  // records: two branches, each an index range scan cut at the page size, where an OR
  // would read one of the indexes whole or the table: (patient_msp_id, at, tx_id), and the
  // partial index of cross-hospital rows (actor_msp_id, at, tx_id), whose predicate the
  // second branch repeats word for word so that the planner uses it (the actor's hospital
  // is this one, so the patient's is another). A row of both comes from the first only.
  const hospital = parameters.add(scope.hospitalMspId);
  const conditions = accessConditions(filter, window.after, parameters);
  const limit = parameters.add(window.limit);
  return `SELECT ${ACCESS_COLUMNS} FROM (
      (SELECT ${ACCESS_COLUMNS} FROM projection_accesses
        WHERE patient_msp_id = ${hospital}::text${conditions}
        ${order} LIMIT ${limit})
      UNION ALL
      (SELECT ${ACCESS_COLUMNS} FROM projection_accesses
        WHERE actor_msp_id = ${hospital}::text AND patient_msp_id IS DISTINCT FROM actor_msp_id${conditions}
        ${order} LIMIT ${limit})
    ) scoped
    ${order} LIMIT ${limit}`;
}

/** Events any of whose hospitals is `$n` (the patient's, the actor's, the grantee's or doctor's). */
const involves = (alias: string, hospital: string) =>
  `(${alias}.patient_msp_id = ${hospital}::text OR ${alias}.actor_msp_id = ${hospital}::text OR ${alias}.other_msp_id = ${hospital}::text)`;

/**
 * Reads of the ledger projection (projection_accesses, projection_events and the tables they
 * name) for the audit trail, in plain SQL on the projection's indexes. Writes nothing.
 */
@Injectable()
export class AuditTrailRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A page of accesses and refused attempts in a scope, newest first, with the report's type
   * and, for a member of staff this node has, the reader's full name (both looked up for the
   * page's rows only). A patient's name is never joined: a patient refused on another
   * patient's record would otherwise be named in that patient's access log (and in an
   * auditor's export).
   */
  listAccesses(scope: AccessScope, filter: AccessFilter, window: PageWindow): Promise<AccessRow[]> {
    const parameters = new Parameters();
    const page = scopedAccesses(scope, filter, window, parameters);
    const staff = parameters.add(STAFF_ROLES);
    return this.dataSource.query<AccessRow[]>(
      `SELECT a.tx_id AS "txId", a.block_number::text AS "blockNumber", a.at, a.outcome,
         a.refusal_code AS "refusalCode", a.report_id AS "reportId", a.patient_id AS "patientId",
         r.type AS "reportType", a.actor_id AS "actorId", a.actor_role AS "actorRole",
         a.actor_msp_id AS "actorMspId", u.full_name AS "actorFullName", a.basis, a.grant_id AS "grantId",
         a.grantee_kind AS "granteeKind", a.purpose_of_use AS "purposeOfUse"
       FROM (${page}) a
       LEFT JOIN projection_reports r ON r.report_id = a.report_id
       LEFT JOIN users u ON u.id = a.actor_id AND a.actor_role = ANY(${staff}::text[]) AND u.role = a.actor_role
       ORDER BY a.at DESC, a.tx_id DESC`,
      parameters.values,
    );
  }

  /**
   * A page of a report's or a patient's events, newest first, on the index
   * `(report_id, at, tx_id)` or `(patient_id, at, tx_id)`; the hospital's condition filters
   * the subject's own rows.
   */
  listTimeline(subject: TimelineSubject, filter: TimelineFilter, window: PageWindow): Promise<TimelineRow[]> {
    const parameters = new Parameters();
    const conditions =
      'reportId' in subject
        ? [`e.report_id = ${parameters.add(subject.reportId)}::uuid`]
        : [`e.patient_id = ${parameters.add(subject.patientId)}::uuid`];
    if (filter.hospitalMspId !== undefined) conditions.push(involves('e', parameters.add(filter.hospitalMspId)));
    if (filter.from !== undefined) conditions.push(`e.at >= ${parameters.add(filter.from.toISOString())}::timestamptz`);
    if (filter.to !== undefined) conditions.push(`e.at <= ${parameters.add(filter.to.toISOString())}::timestamptz`);
    if (window.after !== undefined) {
      conditions.push(
        `(e.at, e.tx_id) < (${parameters.add(window.after.at.toISOString())}::timestamptz, ${parameters.add(window.after.id)}::text)`,
      );
    }
    return this.dataSource.query<TimelineRow[]>(
      `SELECT e.tx_id AS "txId", e.block_number::text AS "blockNumber", e.at, e.name AS "event",
         e.subject_type AS "subjectType", e.subject_id AS "subjectId", e.actor_id AS "actorId",
         e.actor_role AS "actorRole", e.actor_msp_id AS "actorMspId", e.report_id AS "reportId",
         e.purpose_of_use AS "purposeOfUse", e.outcome, e.refusal_code AS "refusalCode"
       FROM projection_events e
       WHERE ${conditions.join(' AND ')}
       ORDER BY e.at DESC, e.tx_id DESC
       LIMIT ${parameters.add(window.limit)}`,
      parameters.values,
    );
  }

  /** The patient whose report this is; null for a report the projection does not hold. */
  async findReportPatient(reportId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<Array<{ patientId: string }>>(
      'SELECT patient_id AS "patientId" FROM projection_reports WHERE report_id = $1::uuid',
      [reportId],
    );
    return row?.patientId ?? null;
  }

  /**
   * Whether a hospital is party to a report: its patient's or its author's hospital, or the
   * hospital of anyone in its events (a reader, a refused reader). False for an unknown report.
   */
  async reportInvolvesHospital(reportId: string, hospitalMspId: string): Promise<boolean> {
    const [{ involved }] = await this.dataSource.query<Array<{ involved: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM projection_reports r
                      WHERE r.report_id = $1::uuid AND (r.hospital_msp_id = $2::text OR r.author_msp_id = $2::text))
           OR EXISTS (SELECT 1 FROM projection_events e WHERE e.report_id = $1::uuid AND ${involves('e', '$2')})
         AS involved`,
      [reportId, hospitalMspId],
    );
    return involved;
  }

  /**
   * Whether a hospital is party to a patient: the patient's hospital, or the hospital of
   * anyone in the patient's events (a doctor asking, a grantee, a reader). False for an
   * unknown patient.
   */
  async patientInvolvesHospital(patientId: string, hospitalMspId: string): Promise<boolean> {
    const [{ involved }] = await this.dataSource.query<Array<{ involved: boolean }>>(
      `SELECT EXISTS (SELECT 1 FROM projection_participants p
                      WHERE p.uid = $1::uuid AND p.role = 'patient' AND p.msp_id = $2::text)
           OR EXISTS (SELECT 1 FROM projection_events e WHERE e.patient_id = $1::uuid AND ${involves('e', '$2')})
         AS involved`,
      [patientId, hospitalMspId],
    );
    return involved;
  }
}
