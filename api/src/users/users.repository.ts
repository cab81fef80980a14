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

/** Most requests look a user up by id (an upload: its patient). Columns as TypeORM maps them. */
const FIND_BY_ID = new PreparedStatement<UserEntity>(
  'users.find-by-id',
  `SELECT id, email, password_hash AS "passwordHash", full_name AS "fullName", role, hospital,
     date_of_birth::text AS "dateOfBirth", license_number AS "licenseNumber", status,
     created_at AS "createdAt", updated_at AS "updatedAt"
   FROM users WHERE id = $1`,
);

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

  /** Patients whose name starts with the query (case-insensitive) or whose id is the query. */
  searchPatients(query: string, hospitals: string[], extraPatientIds: string[], limit: number): Promise<UserEntity[]> {
    const builder = this.users
      .createQueryBuilder('user')
      .where("user.role = 'patient'")
      .andWhere('(user.hospital IN (:...hospitals) OR user.id IN (:...extra))', {
        hospitals: hospitals.length > 0 ? hospitals : [''],
        extra: extraPatientIds.length > 0 ? extraPatientIds : ['00000000-0000-0000-0000-000000000000'],
      })
      .orderBy('user.full_name', 'ASC')
      .take(limit);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(query);
    if (uuid) builder.andWhere('user.id = :id', { id: query.toLowerCase() });
    else builder.andWhere("lower(user.full_name) LIKE lower(:prefix) ESCAPE '\\'", { prefix: `${escapeLike(query)}%` });
    return builder.getMany();
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
