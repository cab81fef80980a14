import { Injectable } from '@nestjs/common';
import { HospitalDirectory } from '../access/hospital-directory.js';
import { RoleForbiddenError } from '../auth/auth.errors.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { NotFoundError } from '../common/domain-error.js';
import { decodeKeysetCursor, keysetPage, type KeysetPosition } from '../common/keyset-cursor.js';
import type { AccessEntry, AccessOutcome, AuditPage, TimelineEntry } from './audit-entries.js';
import { AnotherPatientsTrailError } from './audit.errors.js';
import {
  type AccessFilter,
  type AccessRow,
  type AccessScope,
  AuditTrailRepository,
  type TimelineRow,
} from './audit-trail.repository.js';

/** `?limit=&cursor=` of a list; 50 rows when no limit is given. */
export interface PageRequest {
  limit?: number;
  cursor?: string;
}

/**
 * `?from=&to=`, both inclusive, as instants: the query's validation (AuditPeriodQuery) reads
 * and checks them (an instant each, `to` not before `from`), and only it.
 */
export interface PeriodRequest {
  from?: Date;
  to?: Date;
}

export interface AccessListRequest extends PageRequest, PeriodRequest {
  actorId?: string;
  patientId?: string;
  reportId?: string;
  /** The one access its transaction recorded. */
  txId?: string;
  outcome?: AccessOutcome;
}

const DEFAULT_LIMIT = 50;
/** Rows an export reads from the database at a time. */
export const EXPORT_PAGE_SIZE = 500;

/**
 * Who reads the trail, and so what of it they see. An auditor's hospital is null when the
 * network profile no longer lists it: such an auditor is party to nothing (an empty list, a
 * 404 for a report or a patient), never a HOSPITAL_NOT_FOUND.
 */
type Audience = { kind: 'auditor'; hospitalMspId: string | null } | { kind: 'patient'; patientId: string };

/**
 * The ledger's history as auditors and patients read it, from the projection tables. An
 * auditor sees what their hospital is party to: a row whose patient or actor (or, for
 * grants and requests, grantee or doctor) belongs to it, and a report or a patient only if
 * the hospital is party to it (404 otherwise, as for an unknown one). A patient sees every
 * row about their own records; another patient's events or report history is a 403, as
 * opening another patient's record is (an unknown report stays a 404). Other roles are
 * refused (403; the routes' guard refuses them first).
 */
@Injectable()
export class AuditTrailService {
  constructor(
    private readonly trail: AuditTrailRepository,
    private readonly hospitals: HospitalDirectory,
  ) {}

  /** Every ledger change and access (or refused attempt) of a report, newest first. */
  async reportHistory(
    caller: AuthenticatedUser,
    reportId: string,
    page: PageRequest,
  ): Promise<AuditPage<TimelineEntry>> {
    const audience = this.audienceOf(caller);
    const window = pageWindow(page);
    if (audience.kind === 'patient') {
      const owner = await this.trail.findReportPatient(reportId);
      if (owner === null) throw new NotFoundError('no report has this id');
      if (owner !== audience.patientId) throw new AnotherPatientsTrailError('this report is another patient’s');
      return this.timelinePage(await this.trail.listTimeline({ reportId }, {}, window.query), window.limit);
    }
    const notFound = new NotFoundError('no report your hospital is party to has this id');
    const hospitalMspId = audience.hospitalMspId;
    if (hospitalMspId === null) throw notFound;
    const [involved, rows] = await Promise.all([
      this.trail.reportInvolvesHospital(reportId, hospitalMspId),
      this.trail.listTimeline({ reportId }, { hospitalMspId }, window.query),
    ]);
    if (!involved) throw notFound;
    return this.timelinePage(rows, window.limit);
  }

  /** A patient's grants, requests, emergencies, care, accesses and refusals, newest first, within `from`..`to`. */
  async patientEvents(
    caller: AuthenticatedUser,
    patientId: string,
    request: PageRequest & PeriodRequest,
  ): Promise<AuditPage<TimelineEntry>> {
    const audience = this.audienceOf(caller);
    const window = pageWindow(request);
    const period = { from: request.from, to: request.to };
    if (audience.kind === 'patient') {
      // UUIDs compare case-insensitively (PostgreSQL's uuid does; the path may be upper-case).
      if (patientId.toLowerCase() !== audience.patientId.toLowerCase()) {
        throw new AnotherPatientsTrailError('these are another patient’s events');
      }
      return this.timelinePage(await this.trail.listTimeline({ patientId }, period, window.query), window.limit);
    }
    const notFound = new NotFoundError('no patient your hospital is party to has this id');
    const hospitalMspId = audience.hospitalMspId;
    if (hospitalMspId === null) throw notFound;
    const [involved, rows] = await Promise.all([
      this.trail.patientInvolvesHospital(patientId, hospitalMspId),
      this.trail.listTimeline({ patientId }, { ...period, hospitalMspId }, window.query),
    ]);
    if (!involved) throw notFound;
    return this.timelinePage(rows, window.limit);
  }

  /** Accesses and refused attempts that the auditor's hospital is party to, newest first. */
  async accesses(auditor: AuthenticatedUser, request: AccessListRequest): Promise<AuditPage<AccessEntry>> {
    const scope = this.auditorScope(auditor);
    const window = pageWindow(request);
    if (scope === null) return { items: [], nextCursor: null };
    const rows = await this.trail.listAccesses(scope, accessFilterOf(request), window.query);
    return this.accessPage(rows, window.limit);
  }

  /**
   * The same rows as `accesses`, all of them from the cursor on, page by page from the
   * database (for a CSV export). The input is checked and the first page read before this
   * resolves, so that a bad request or an unavailable database is still an error answer.
   */
  async exportAccesses(auditor: AuthenticatedUser, request: AccessListRequest): Promise<AsyncIterable<AccessEntry[]>> {
    const scope = this.auditorScope(auditor);
    const filter = accessFilterOf(request);
    const after = request.cursor === undefined ? undefined : decodeKeysetCursor(request.cursor, 'transaction-id');
    if (scope === null) return noPages();
    const first = await this.trail.listAccesses(scope, filter, { after, limit: EXPORT_PAGE_SIZE });
    return this.remainingPages(scope, filter, first);
  }

  /**
   * Who opened the patient's records, and who was refused, newest first (narrowed like an
   * auditor's list; a `patientId` other than their own is a 403).
   */
  async accessLog(patient: AuthenticatedUser, request: AccessListRequest): Promise<AuditPage<AccessEntry>> {
    if (patient.role !== 'patient') throw new RoleForbiddenError('the access log is for patients');
    if (request.patientId !== undefined && request.patientId.toLowerCase() !== patient.id.toLowerCase()) {
      throw new AnotherPatientsTrailError('this is another patient’s access log');
    }
    const window = pageWindow(request);
    const rows = await this.trail.listAccesses({ patientId: patient.id }, accessFilterOf(request), window.query);
    return this.accessPage(rows, window.limit);
  }

  /**
   * The accesses of one patient's records, newest first: for the patient, their own access
   * log; for an auditor, what their hospital is party to, and a 404 for a patient it is party
   * to nothing of (as the patient's events answer). Other roles are refused.
   */
  async patientAccesses(
    caller: AuthenticatedUser,
    patientId: string,
    request: PageRequest,
  ): Promise<AuditPage<AccessEntry>> {
    const audience = this.audienceOf(caller);
    if (audience.kind === 'patient') return this.accessLog(caller, { ...request, patientId });
    const hospitalMspId = audience.hospitalMspId;
    if (hospitalMspId === null || !(await this.trail.patientInvolvesHospital(patientId, hospitalMspId))) {
      throw new NotFoundError('no patient your hospital is party to has this id');
    }
    return this.accesses(caller, { ...request, patientId });
  }

  private async *remainingPages(scope: AccessScope, filter: AccessFilter, first: AccessRow[]) {
    let rows = first;
    for (;;) {
      yield rows.map((row) => this.toAccessEntry(row));
      const last = rows[rows.length - 1];
      if (rows.length < EXPORT_PAGE_SIZE || last === undefined) return;
      rows = await this.trail.listAccesses(scope, filter, { after: positionOf(last), limit: EXPORT_PAGE_SIZE });
    }
  }

  private audienceOf(caller: AuthenticatedUser): Audience {
    if (caller.role === 'patient') return { kind: 'patient', patientId: caller.id };
    if (caller.role === 'auditor') return { kind: 'auditor', hospitalMspId: this.hospitals.findMspOf(caller.hospital) };
    throw new RoleForbiddenError('the audit trail is for auditors and the patient');
  }

  /** The auditor's hospital's accesses; null (party to none) for a hospital the network profile does not list. */
  private auditorScope(caller: AuthenticatedUser): AccessScope | null {
    if (caller.role !== 'auditor') throw new RoleForbiddenError('the access list is for auditors');
    const hospitalMspId = this.hospitals.findMspOf(caller.hospital);
    return hospitalMspId === null ? null : { hospitalMspId };
  }

  private accessPage(rows: AccessRow[], limit: number): AuditPage<AccessEntry> {
    const page = keysetPage(rows, limit, positionOf);
    return { items: page.items.map((row) => this.toAccessEntry(row)), nextCursor: page.nextCursor };
  }

  private timelinePage(rows: TimelineRow[], limit: number): AuditPage<TimelineEntry> {
    const page = keysetPage(rows, limit, positionOf);
    return { items: page.items.map((row) => this.toTimelineEntry(row)), nextCursor: page.nextCursor };
  }

  private toAccessEntry(row: AccessRow): AccessEntry {
    return {
      txId: row.txId,
      blockNumber: Number(row.blockNumber),
      at: row.at,
      outcome: row.outcome,
      refusalCode: row.refusalCode,
      reportId: row.reportId,
      patientId: row.patientId,
      reportType: row.reportType,
      actor: {
        id: row.actorId,
        role: row.actorRole,
        hospital: this.hospitals.findNameOf(row.actorMspId),
        fullName: row.actorFullName,
      },
      basis: row.basis,
      grantId: row.grantId,
      granteeKind: row.granteeKind,
      purposeOfUse: row.purposeOfUse,
    };
  }

  private toTimelineEntry(row: TimelineRow): TimelineEntry {
    return {
      txId: row.txId,
      blockNumber: Number(row.blockNumber),
      at: row.at,
      event: row.event,
      subject: { type: row.subjectType, id: row.subjectId },
      actor: {
        id: row.actorId,
        role: row.actorRole,
        hospital: row.actorMspId === null ? null : this.hospitals.findNameOf(row.actorMspId),
      },
      reportId: row.reportId,
      purposeOfUse: row.purposeOfUse,
      outcome: row.outcome,
      refusalCode: row.refusalCode,
    };
  }
}

/** A row's place in the keyset `(at, tx_id)`. */
const positionOf = (row: { at: Date; txId: string }): KeysetPosition => ({ at: row.at, id: row.txId });

/** The rows to ask for: one more than the page, which tells whether a next page exists. */
function pageWindow(page: PageRequest): { limit: number; query: { after?: KeysetPosition; limit: number } } {
  const limit = page.limit ?? DEFAULT_LIMIT;
  const after = page.cursor === undefined ? undefined : decodeKeysetCursor(page.cursor, 'transaction-id');
  return { limit, query: { after, limit: limit + 1 } };
}

/** An export of nothing: no page. */
async function* noPages(): AsyncIterable<AccessEntry[]> {}

function accessFilterOf(request: AccessListRequest): AccessFilter {
  return {
    from: request.from,
    to: request.to,
    actorId: request.actorId,
    patientId: request.patientId,
    reportId: request.reportId,
    txId: request.txId,
    outcome: request.outcome,
  };
}
