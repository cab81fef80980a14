import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ComponentUnavailableError } from '../common/domain-error.js';

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

/** The texts of the consent workflow, kept off the ledger and erased with the patient. */
@Injectable()
export class ConsentStatementsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private async insert(statement: ConsentStatement): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO consent_statements (subject_id, kind, patient_id, author_id, body, commitment_key)
       VALUES ($1, $2, $3, $4, $5, $6)`,
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

  private async remove(subjectId: string, kind: StatementKind): Promise<void> {
    await this.dataSource.query('DELETE FROM consent_statements WHERE subject_id = $1 AND kind = $2', [
      subjectId,
      kind,
    ]);
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
   * names a text that was lost; when the chaincode refuses the change (a definite answer,
   * unlike an unavailable ledger that may still commit it), the text goes again.
   */
  async writtenBefore<T>(statement: ConsentStatement | null, change: () => Promise<T>): Promise<T> {
    if (statement) await this.insert(statement);
    try {
      return await change();
    } catch (error) {
      if (statement && !(error instanceof ComponentUnavailableError)) {
        await this.remove(statement.subjectId, statement.kind);
      }
      throw error;
    }
  }

  /** Erases every text about a patient, inside the erasure's transaction. */
  async eraseOfPatient(manager: EntityManager, patientId: string): Promise<void> {
    await manager.query('DELETE FROM consent_statements WHERE patient_id = $1', [patientId]);
  }
}
