import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DoctorNames, NamedDoctor } from './access-views.js';

/** The form of the users table's ids: anything else names no account (and would fail the query's cast). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The names of the doctors that requests and grants name by id, read from the accounts: one
 * query for a whole page. Only doctors' accounts answer (staff data, not PHI), so an id that
 * is not a doctor's never brings a patient's name into a consent answer. Reads only.
 */
@Injectable()
export class DoctorNamesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The doctors among `doctorIds` (nulls skipped) whose accounts exist, by id; no query when none is left. */
  async namesOf(doctorIds: Iterable<string | null>): Promise<DoctorNames> {
    const ids = [...new Set([...doctorIds].filter((id): id is string => id !== null && UUID.test(id)))];
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.query<NamedDoctor[]>(
      `SELECT id, full_name AS "fullName", hospital FROM users WHERE id = ANY($1::uuid[]) AND role = 'doctor'`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, { id: row.id, fullName: row.fullName, hospital: row.hospital }]));
  }
}
