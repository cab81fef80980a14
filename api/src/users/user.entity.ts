import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const ROLES = ['doctor', 'patient', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * `pending`: created by an admin, waiting for its owner to choose a password from the
 * activation e-mail (nobody can sign in as it); `active`; `suspended` by an admin.
 */
export const USER_STATUSES = ['pending', 'active', 'suspended'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** An account. Holds PHI (name, birth date, e-mail): never leaves PostgreSQL for the ledger. */
@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) email!: string;
  /** argon2id (PHC string); null while the account is pending: nobody but its owner ever sets it. */
  @Column({ name: 'password_hash', type: 'text', nullable: true }) passwordHash!: string | null;
  @Column({ name: 'full_name', type: 'text' }) fullName!: string;
  @Column({ type: 'text' }) role!: Role;
  @Column({ type: 'text' }) hospital!: string;
  @Column({ name: 'date_of_birth', type: 'date', nullable: true }) dateOfBirth!: string | null;
  @Column({ name: 'license_number', type: 'text', nullable: true }) licenseNumber!: string | null;
  @Column({ type: 'text' }) status!: UserStatus;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
