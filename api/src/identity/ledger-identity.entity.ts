import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user's enrolled Fabric identity: the certificate, and the private key sealed by the KeyService. */
@Entity('ledger_identities')
export class LedgerIdentityEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ name: 'msp_id', type: 'text' }) mspId!: string;
  @Column({ name: 'enrollment_id', type: 'text' }) enrollmentId!: string;
  @Column({ name: 'certificate_pem', type: 'text' }) certificatePem!: string;
  @Column({ name: 'sealed_private_key', type: 'bytea' }) sealedPrivateKey!: Buffer;
  @Column({ name: 'key_id', type: 'text' }) keyId!: string;
  @Column({ name: 'enrolled_at', type: 'timestamptz' }) enrolledAt!: Date;
}
