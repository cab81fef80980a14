import type { KeysetPosition } from '../common/keyset-cursor.js';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, QueryFailedError, Repository } from 'typeorm';
import { ConflictError } from '../common/domain-error.js';
import { PreparedStatement } from '../database/prepared-statement.js';
import { type Role, UserEntity, type UserStatus } from './user.entity.js';

export class EmailTakenError extends ConflictError {
  override readonly code = 'EMAIL_TAKEN';
}

/** A user's columns as TypeORM maps them (UserEntity). */
const USER_COLUMNS = `id, email, password_hash AS "passwordHash", full_name AS "fullName", role, hospital,
  date_of_birth::text AS "dateOfBirth", license_number AS "licenseNumber", status,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Most requests look a user up by id (an upload: its patient). */
const FIND_BY_ID = new PreparedStatement<UserEntity>(
  'users.find-by-id',
  `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
);

/** What a doctor's patient search looks for: an id, a date of birth (`1990-12-10`), or terms of a name. */
export type PatientCriterion = { id: string } | { dateOfBirth: string } | { nameTerms: string[] };

/** Queries of accounts. E-mail addresses compare case-insensitively. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  async insert(user: UserEntity, manager?: EntityManager): Promise<UserEntity> {
    try {
      await (manager ? manager.getRepository(UserEntity) : this.users).insert(user);
      return user;
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new EmailTakenError('an account with this e-mail address exists');
      }
      throw error;
    }
  }

  /** The doctors among these ids (those whose accounts exist), in one query. */
  findDoctors(ids: readonly string[]): Promise<UserEntity[]> {
    return this.users.query(`SELECT ${USER_COLUMNS} FROM users WHERE role = 'doctor' AND id = ANY($1::uuid[])`, [
      [...new Set(ids)],
    ]);
  }

  async findById(id: string): Promise<UserEntity | null> {
    const {
      rows: [user],
    } = await FIND_BY_ID.run(this.users.manager.connection, [id]);
    return user ?? null;
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('user').where('lower(user.email) = lower(:email)', { email }).getOne();
  }

  /** Users of a hospital, by creation time, after the cursor (the last id of the previous page). */
  listByHospital(hospital: string, limit: number, after?: KeysetPosition): Promise<UserEntity[]> {
    const query = this.users
      .createQueryBuilder('user')
      .where('user.hospital = :hospital', { hospital })
      .orderBy('user.created_at', 'ASC')
      .addOrderBy('user.id', 'ASC')
      .take(limit);
    if (after) {
      query.andWhere('(user.created_at, user.id) > (:at, :id)', after);
    }
    return query.getMany();
  }

  /**
   * Patients of the given hospitals or ids who match the criterion, at most `limit`: by id,
   * by date of birth, or by name, each term anywhere in it, case-insensitively (served by
   * the trigram index users_patient_name_trgm). Names that start with the terms come first.
   */
  searchPatients(
    criterion: PatientCriterion,
    hospitals: string[],
    extraPatientIds: string[],
    limit: number,
  ): Promise<UserEntity[]> {
    const parameters: unknown[] = [hospitals, extraPatientIds, limit];
    const parameter = (value: unknown) => `$${parameters.push(value)}`;
    let matches: string;
    let order = 'full_name, id';
    if ('id' in criterion) matches = `id = ${parameter(criterion.id)}::uuid`;
    else if ('dateOfBirth' in criterion) matches = `date_of_birth = ${parameter(criterion.dateOfBirth)}::date`;
    else {
      matches = criterion.nameTerms
        .map((term) => `lower(full_name) LIKE lower(${parameter(`%${escapeLike(term)}%`)}) ESCAPE '\\'`)
        .join(' AND ');
      const prefix = parameter(`${escapeLike(criterion.nameTerms.join(' '))}%`);
      order = `(lower(full_name) LIKE lower(${prefix}) ESCAPE '\\') DESC, ${order}`;
    }
    return this.users.query<UserEntity[]>(
      `SELECT ${USER_COLUMNS} FROM users
       WHERE role = 'patient' AND (hospital = ANY($1::text[]) OR id = ANY($2::uuid[])) AND ${matches}
       ORDER BY ${order} LIMIT $3`,
      parameters,
    );
  }

  /**
   * Sets the account's password hash and status, provided the account is still in the
   * status `from` (the caller checked it before the slow hashing: a suspension meanwhile
   * wins). Returns whether it did.
   */
  async setPassword(
    manager: EntityManager,
    id: string,
    passwordHash: string,
    transition: { from: UserStatus; to: UserStatus },
  ): Promise<boolean> {
    const [, affected] = await manager.query<[unknown[], number]>(
      'UPDATE users SET password_hash = $2, status = $4, updated_at = now() WHERE id = $1 AND status = $3',
      [id, passwordHash, transition.from, transition.to],
    );
    return affected > 0;
  }

  async setStatus(id: string, status: UserStatus, manager?: EntityManager): Promise<void> {
    await (manager ? manager.getRepository(UserEntity) : this.users).update({ id }, { status });
  }

  countByRole(hospital: string, role: Role): Promise<number> {
    return this.users.countBy({ hospital, role });
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
