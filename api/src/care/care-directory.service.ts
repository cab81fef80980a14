import { Injectable } from '@nestjs/common';
import { HospitalDirectory } from '../access/hospital-directory.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { decodeKeysetCursor, keysetPage } from '../common/keyset-cursor.js';
import {
  type CareAssignmentFilter,
  type CareAssignmentRow,
  CareDirectoryRepository,
} from './care-directory.repository.js';

const DEFAULT_LIMIT = 50;

export interface CareAssignmentPage {
  items: CareAssignmentRow[];
  nextCursor: string | null;
}

/**
 * The care assignments an admin's hospital made, from the ledger projection: a new one (or
 * an end) shows once the projection has read its event, well under a second later.
 */
@Injectable()
export class CareDirectoryService {
  constructor(
    private readonly directory: CareDirectoryRepository,
    private readonly hospitals: HospitalDirectory,
  ) {}

  async assignments(
    admin: AuthenticatedUser,
    filter: CareAssignmentFilter,
    page: { limit?: number; cursor?: string },
  ): Promise<CareAssignmentPage> {
    const limit = page.limit ?? DEFAULT_LIMIT;
    const after = page.cursor === undefined ? undefined : decodeKeysetCursor(page.cursor);
    // A hospital the network profile no longer lists made no assignment this node can name.
    const hospitalMspId = this.hospitals.findMspOf(admin.hospital);
    if (hospitalMspId === null) return { items: [], nextCursor: null };
    const rows = await this.directory.listAssignments(hospitalMspId, filter, { after, limit: limit + 1 });
    return keysetPage(rows, limit, (row) => ({ at: row.startedAt, id: row.assignmentId }));
  }
}
