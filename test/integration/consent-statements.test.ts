import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  ConsentStatementsRepository,
  type ConsentStatement,
} from '../../api/src/access/consent-statements.repository.js';
import { ChaincodeRefusedError, LedgerUnavailableError } from '../../api/src/ledger/ledger.errors.js';
import { ScratchDatabase } from '../support/scratch-database.js';

/**
 * The consent texts on the real PostgreSQL (a scratch database): written before their
 * ledger change, confirmed after it, removed on a refusal, kept for recovery otherwise,
 * never overwritten once confirmed, erased with the patient.
 */
describe('consent texts kept off the ledger, on the real PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let database: DataSource;
  let statements: ConsentStatementsRepository;

  const statement = (overrides: Partial<ConsentStatement> = {}): ConsentStatement => ({
    subjectId: randomUUID(),
    kind: 'request-reason',
    patientId: randomUUID(),
    authorId: randomUUID(),
    body: `Reason ${randomUUID()}`,
    commitmentKey: randomBytes(32),
    ...overrides,
  });

  const rowOf = async (text: ConsentStatement) => {
    const [row] = await database.query<Array<{ body: string; confirmed: boolean }>>(
      'SELECT body, confirmed_at IS NOT NULL AS confirmed FROM consent_statements WHERE subject_id = $1 AND kind = $2',
      [text.subjectId, text.kind],
    );
    return row ?? null;
  };

  beforeAll(async () => {
    scratch = await ScratchDatabase.create('consent');
    database = await scratch.connect();
    await database.runMigrations({ transaction: 'each' });
    statements = new ConsentStatementsRepository(database);
  });

  afterAll(async () => {
    await database?.destroy();
    await scratch?.drop();
  });

  it('writes the text before the change and confirms it after', async () => {
    const text = statement();
    let seenDuringChange: unknown;
    await statements.writtenBefore(text, async () => {
      seenDuringChange = await rowOf(text);
    });
    expect(seenDuringChange).toEqual({ body: text.body, confirmed: false });
    expect(await rowOf(text)).toEqual({ body: text.body, confirmed: true });
  });

  it('removes the text when the chaincode refuses the change, keeps it unconfirmed when the ledger is unavailable', async () => {
    const refused = statement();
    await expect(
      statements.writtenBefore(refused, () =>
        Promise.reject(new ChaincodeRefusedError('NOT_FOUND', 'no such patient')),
      ),
    ).rejects.toBeInstanceOf(ChaincodeRefusedError);
    expect(await rowOf(refused)).toBeNull();

    const undecided = statement();
    await expect(
      statements.writtenBefore(undecided, () => Promise.reject(new LedgerUnavailableError('commit status unknown'))),
    ).rejects.toBeInstanceOf(LedgerUnavailableError);
    expect(await rowOf(undecided)).toEqual({ body: undecided.body, confirmed: false });
    const unconfirmed = await statements.unconfirmed(0, 1000);
    expect(unconfirmed).toContainEqual({
      subjectId: undecided.subjectId,
      kind: 'request-reason',
      authorId: undecided.authorId,
    });
    expect(unconfirmed.map((row) => row.subjectId)).not.toContain(refused.subjectId);
  });

  it('a retry rewrites its own unconfirmed text; a confirmed one is neither overwritten nor removed', async () => {
    const first = statement({ kind: 'denial-reason', commitmentKey: null });
    await statements.writtenBefore(first, () => Promise.reject(new LedgerUnavailableError('timeout'))).catch(() => {});
    const retry = { ...first, body: 'A second wording' };
    await statements.writtenBefore(retry, () => Promise.resolve());
    expect(await rowOf(first)).toEqual({ body: 'A second wording', confirmed: true });

    const late = { ...first, body: 'A third wording, refused' };
    await expect(
      statements.writtenBefore(late, () => Promise.reject(new ChaincodeRefusedError('CONFLICT', 'already denied'))),
    ).rejects.toBeInstanceOf(ChaincodeRefusedError);
    expect(await rowOf(first)).toEqual({ body: 'A second wording', confirmed: true });
  });

  it('shows texts by subject and erases every text about a patient in the erasure’s transaction', async () => {
    const patientId = randomUUID();
    const reason = statement({ patientId });
    const justification = statement({ patientId, kind: 'emergency-justification' });
    const other = statement();
    for (const text of [reason, justification, other]) await statements.writtenBefore(text, () => Promise.resolve());

    const bodies = await statements.bodiesOf([reason.subjectId, justification.subjectId]);
    expect(bodies.get(reason.subjectId)).toEqual({ 'request-reason': reason.body });
    expect(bodies.get(justification.subjectId)).toEqual({ 'emergency-justification': justification.body });

    await database.transaction((manager) => statements.eraseOfPatient(manager, patientId));
    const after = await statements.bodiesOf([reason.subjectId, justification.subjectId, other.subjectId]);
    expect([...after.keys()]).toEqual([other.subjectId]);
  });

  it('stores no NUL character: PostgreSQL refuses it, which is why the API refuses it first (400)', async () => {
    await expect(statements.writtenBefore(statement({ body: 'a\u0000b' }), () => Promise.resolve())).rejects.toThrow();
  });
});
