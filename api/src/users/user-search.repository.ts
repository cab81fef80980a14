import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Role, UserEntity } from './user.entity.js';

/** A user's columns as TypeORM maps them (UserEntity). */
const USER_COLUMNS = `id, email, password_hash AS "passwordHash", full_name AS "fullName", role, hospital,
  date_of_birth::text AS "dateOfBirth", license_number AS "licenseNumber", status,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real day written YYYY-MM-DD (not 2026-02-31, which PostgreSQL would refuse). */
function isCalendarDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text);
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/**
 * An admin's search of their hospital's accounts (the portal's user list and care page):
 * every term of the query somewhere in the name, or the query in the e-mail address, the
 * whole id, a date of birth (YYYY-MM-DD) or the start of a licence number. Reads only.
 */
@Injectable()
export class UserSearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** At most `limit` accounts of a hospital (of one role, when given) matching `text`; by name when it is empty. */
  search(hospital: string, filter: { text: string; role?: Role }, limit: number): Promise<UserEntity[]> {
    const parameters: unknown[] = [hospital];
    const parameter = (value: unknown) => `$${parameters.push(value)}`;
    const conditions = ['hospital = $1::text'];
    if (filter.role !== undefined) conditions.push(`role = ${parameter(filter.role)}::text`);
    const text = filter.text.trim();
    if (text !== '') {
      const terms = text.split(/\s+/);
      const matches = [
        terms
          .map((term) => `lower(full_name) LIKE lower(${parameter(`%${escapeLike(term)}%`)}) ESCAPE '\\'`)
          .join(' AND '),
        `lower(email) LIKE lower(${parameter(`%${escapeLike(text)}%`)}) ESCAPE '\\'`,
        `license_number ILIKE ${parameter(`${escapeLike(text)}%`)} ESCAPE '\\'`,
      ];
      if (UUID.test(text)) matches.push(`id = ${parameter(text.toLowerCase())}::uuid`);
      if (isCalendarDate(text)) matches.push(`date_of_birth = ${parameter(text)}::date`);
      conditions.push(`(${matches.map((match) => `(${match})`).join(' OR ')})`);
    }
    return this.dataSource.query<UserEntity[]>(
      `SELECT ${USER_COLUMNS} FROM users
       WHERE ${conditions.join(' AND ')}
       ORDER BY full_name, id
       LIMIT ${parameter(limit)}`,
      parameters,
    );
  }
}
