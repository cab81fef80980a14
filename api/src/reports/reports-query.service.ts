import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { NotFoundError } from '../common/domain-error.js';
import { newestFirstPage } from '../access/newest-first-page.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { collectPages } from '../ledger/collect-pages.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import { LEDGER, type LedgerIdentity, type LedgerPort, type Page, type ReportRecord } from '../ledger/ledger.port.js';
import { ReportsRepository } from './reports.repository.js';

export interface ReportView {
  record: ReportRecord;
  title: string | null;
  plaintextSha256: string | null;
  plaintextSize: number | null;
  contentType: string | null;
  blockNumber: string | null;
}

/** Which reports a list holds: all the caller may see (or wrote) when nothing narrows it. */
export interface ReportFilter {
  patientId?: string;
  types?: readonly string[];
  /** Recorded on the ledger at or after this time. */
  recordedFrom?: Date;
  /** Recorded on the ledger at or before this time. */
  recordedTo?: Date;
  limit: number;
  cursor?: string;
}

/**
 * Report metadata: the ledger decides what a caller may see (patient, author, grantee,
 * auditor) and supplies the proof; PostgreSQL adds what stays off the ledger (titles).
 */
@Injectable()
export class ReportsQueryService {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly identities: LedgerIdentityService,
    private readonly reports: ReportsRepository,
  ) {}

  async get(caller: AuthenticatedUser, reportId: string): Promise<ReportView> {
    const actor = await this.identities.signingIdentity(caller.id, caller.hospital);
    return (await this.withMetadata([await visibleReport(this.ledger, actor, reportId)]))[0];
  }

  /**
   * A page of reports, newest first: a patient's own, a doctor's for one patient (what they
   * may open) or their own writing; of some types, recorded within a time. The ledger's list
   * is read whole and paged here by (recorded time, id), so that every cursor of the
   * contract's form names a place in it.
   */
  async list(
    caller: AuthenticatedUser,
    filter: ReportFilter,
  ): Promise<{ items: ReportView[]; nextCursor: string | null }> {
    const actor = await this.identities.signingIdentity(caller.id, caller.hospital);
    let listPage: (bookmark: string) => Promise<Page<ReportRecord>>;
    if (caller.role === 'patient') {
      if (filter.patientId && filter.patientId !== caller.id)
        throw new NotFoundError('no patient of yours has this id');
      listPage = (bookmark) => this.ledger.reports.listByPatient(actor, caller.id, { pageSize: 100, bookmark });
    } else if (filter.patientId) {
      const patientId = filter.patientId;
      listPage = (bookmark) => this.ledger.reports.listByPatient(actor, patientId, { pageSize: 100, bookmark });
    } else {
      listPage = (bookmark) => this.ledger.reports.listByAuthor(actor, caller.id, { pageSize: 100, bookmark });
    }
    const records = await collectPages(listPage);
    const from = filter.recordedFrom?.toISOString();
    const to = filter.recordedTo?.toISOString();
    const matching = records
      .filter((record) => filter.types === undefined || filter.types.includes(record.type))
      .filter((record) => from === undefined || new Date(record.recordedAt).toISOString() >= from)
      .filter((record) => to === undefined || new Date(record.recordedAt).toISOString() <= to);
    const page = newestFirstPage(
      matching,
      (record) => ({ at: record.recordedAt, id: record.reportId }),
      filter.limit,
      filter.cursor,
    );
    return { items: await this.withMetadata(page.items), nextCursor: page.nextCursor };
  }

  private async withMetadata(records: ReportRecord[]): Promise<ReportView[]> {
    const metadata = await this.reports.findMetadata(records.map((record) => record.reportId));
    return records.map((record) => {
      const row = metadata.get(record.reportId);
      return {
        record,
        title: row?.title ?? null,
        plaintextSha256: row?.plaintextSha256 ?? null,
        plaintextSize: row?.plaintextSize ?? null,
        contentType: row?.contentType ?? null,
        blockNumber: row?.blockNumber ?? null,
      };
    });
  }
}

/** The ledger's record of a report if the actor may see it; "not found" (404) otherwise, as the contract wants. */
export async function visibleReport(
  ledger: LedgerPort,
  actor: LedgerIdentity,
  reportId: string,
): Promise<ReportRecord> {
  try {
    return await ledger.reports.get(actor, reportId);
  } catch (error) {
    if (error instanceof ChaincodeRefusedError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) {
      throw new NotFoundError('no report you may see has this id');
    }
    throw error;
  }
}
