import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isChaincodeRefusal } from './access.errors.js';

export const STATEMENT_KINDS = ['request-reason', 'denial-reason', 'emergency-justification', 'review-note'] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

export interface ConsentStatement {
  /** The request or grant the text belongs to. */
  subjectId: string;
  kind: StatementKind;
  patientId: string;
  authorId: string;
  body: string;
  /** The key of the keyed commitment that the ledger holds; null for texts without one. */
  commitmentKey: Buffer | null;
}

/** A text whose ledger transaction is not known to have committed. */
export interface UnconfirmedStatement {
  subjectId: string;
  kind: StatementKind;
  authorId: string;
}

/** The texts of the consent workflow, kept off the ledger and erased with the patient. */
@Injectable()
export class ConsentStatementsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes a text, unconfirmed; a retry of the same change after an outage rewrites its own
   * unconfirmed text, and a confirmed one is never overwritten.
   */
  private async write(statement: ConsentStatement): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO consent_statements (subject_id, kind, patient_id, author_id, body, commitment_key)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (subject_id, kind) DO UPDATE
         SET author_id = EXCLUDED.author_id, body = EXCLUDED.body, commitment_key = EXCLUDED.commitment_key,
             created_at = now()
         WHERE consent_statements.confirmed_at IS NULL`,
      [
        statement.subjectId,
        statement.kind,
        statement.patientId,
        statement.authorId,
        statement.body,
        statement.commitmentKey,
      ],
    );
  }

  /** The ledger holds the text's transaction: the text stays. */
  async confirm(subjectId: string, kind: StatementKind): Promise<void> {
    await this.dataSource.query(
      'UPDATE consent_statements SET confirmed_at = now() WHERE subject_id = $1 AND kind = $2 AND confirmed_at IS NULL',
      [subjectId, kind],
    );
  }

  /** The ledger does not hold the text's transaction, and never will: the text goes. */
  async remove(subjectId: string, kind: StatementKind): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM consent_statements WHERE subject_id = $1 AND kind = $2 AND confirmed_at IS NULL',
      [subjectId, kind],
    );
  }

  /** Texts left unconfirmed for `idleSeconds` (a crash, an outage, a failed commit), oldest first. */
  async unconfirmed(idleSeconds: number, limit = 100): Promise<UnconfirmedStatement[]> {
    return this.dataSource.query<UnconfirmedStatement[]>(
      `SELECT subject_id AS "subjectId", kind, author_id AS "authorId" FROM consent_statements
       WHERE confirmed_at IS NULL AND created_at < now() - make_interval(secs => $1)
       ORDER BY created_at LIMIT $2`,
      [idleSeconds, limit],
    );
  }

  /** The texts of these subjects, by subject then kind (an erased patient's are gone). */
  async bodiesOf(subjectIds: string[]): Promise<Map<string, Partial<Record<StatementKind, string>>>> {
    const bodies = new Map<string, Partial<Record<StatementKind, string>>>();
    if (subjectIds.length === 0) return bodies;
    const rows: Array<{ subject_id: string; kind: StatementKind; body: string }> = await this.dataSource.query(
      'SELECT subject_id, kind, body FROM consent_statements WHERE subject_id = ANY($1::uuid[])',
      [subjectIds],
    );
    for (const row of rows) bodies.set(row.subject_id, { ...bodies.get(row.subject_id), [row.kind]: row.body });
    return bodies;
  }

  /**
   * Writes a text before the ledger change that commits to it, so that the ledger never
   * names a text that was lost, and confirms it once the change committed. When the
   * chaincode refuses the change the text goes again; after any other failure (the ledger
   * unavailable, a commit that failed, a crash) it stays unconfirmed until the recovery
   * worker asks the ledger whether the change is there.
   */
  async writtenBefore<T>(statement: ConsentStatement | null, change: () => Promise<T>): Promise<T> {
    if (statement) await this.write(statement);
    let result: T;
    try {
      result = await change();
    } catch (error) {
      if (statement && isChaincodeRefusal(error)) await this.remove(statement.subjectId, statement.kind);
      throw error;
    }
    if (statement) {
      // The change committed: a database that fails now only leaves the text to recovery.
      await this.confirm(statement.subjectId, statement.kind).catch(() => undefined);
    }
    return result;
  }

  /** Erases every text about a patient, inside the erasure's transaction. */
  async eraseOfPatient(manager: EntityManager, patientId: string): Promise<void> {
    await manager.query('DELETE FROM consent_statements WHERE patient_id = $1', [patientId]);
  }
}
