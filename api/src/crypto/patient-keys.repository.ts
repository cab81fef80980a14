import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { PreparedStatement } from '../database/prepared-statement.js';
import type { SealedSecret } from './key-service.port.js';

/** A patient's key-encryption key as stored: sealed by the KeyService, or destroyed. */
export interface PatientKeyRow {
  sealedKey: SealedSecret | null;
  destroyedAt: Date | null;
}

/** Every upload and every read asks for the patient's key. */
const FIND_KEY = new PreparedStatement<{ sealed_key: Buffer | null; key_id: string | null; destroyed_at: Date | null }>(
  'patient-keys.find',
  'SELECT sealed_key, key_id, destroyed_at FROM patient_keys WHERE patient_id = $1',
);

/** The queries of patient_keys. */
@Injectable()
export class PatientKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(patientId: string): Promise<PatientKeyRow | null> {
    const {
      rows: [row],
    } = await FIND_KEY.run(this.dataSource, [patientId]);
    if (!row) return null;
    return {
      sealedKey: row.sealed_key && row.key_id ? { keyId: row.key_id, data: row.sealed_key } : null,
      destroyedAt: row.destroyed_at,
    };
  }

  /** Stores a patient's first key; when two first uploads race, the first insert wins. */
  async insertIfAbsent(patientId: string, sealed: SealedSecret): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO patient_keys (patient_id, sealed_key, key_id) VALUES ($1, $2, $3) ON CONFLICT (patient_id) DO NOTHING',
      [patientId, sealed.data, sealed.keyId],
    );
  }

  /**
   * Destroys the patient's key for good (or records a destroyed one when they had none, so
   * that no later upload creates one); with `manager`, inside the caller's transaction.
   * Returns whether there was a key to destroy.
   */
  async destroy(patientId: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const [, destroyed] = await manager.query<[unknown[], number]>(
      'UPDATE patient_keys SET sealed_key = NULL, key_id = NULL, destroyed_at = now() WHERE patient_id = $1 AND destroyed_at IS NULL',
      [patientId],
    );
    if (destroyed > 0) return true;
    await manager.query(
      'INSERT INTO patient_keys (patient_id, sealed_key, key_id, destroyed_at) VALUES ($1, NULL, NULL, now()) ON CONFLICT (patient_id) DO NOTHING',
      [patientId],
    );
    return false;
  }
}
