import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { LedgerCheckpointRepository } from '../../api/src/ledger-events/ledger-checkpoint.repository.js';
import { type LedgerEventFollower, positionAfter } from '../../api/src/ledger-events/ledger-event-follower.js';
import type { LedgerEvent } from '../../api/src/ledger/ledger.port.js';
import { LedgerProjection } from '../../api/src/projection/ledger-projection.js';
import { PROJECTION_TABLES } from '../../api/src/projection/projection-tables.js';
import { ProjectionRepository } from '../../api/src/projection/projection.repository.js';
import {
  GRANT_ID,
  HISTORY,
  HOSPITAL_A,
  legacyEvent,
  PEOPLE,
  PLACES,
  REPORT_ID,
  txIdOf,
  V2_EVENTS,
  v2Event,
  receiptRecord,
} from '../fixtures/ledger-events.js';
import { ScratchDatabase } from '../support/scratch-database.js';

const READER = { reader: 'projection', channel: 'medledger', chaincode: 'medledger-cc' };
const TABLES = Object.values(PROJECTION_TABLES);

/**
 * One API process's projection over a pool of its own: batches written the way the follower
 * writes them (the rows and the checkpoint at the batch's last event, in one transaction),
 * without the ledger (the events come from the fixtures).
 */
class ProjectingProcess {
  private readonly checkpoints: LedgerCheckpointRepository;
  private readonly projection: LedgerProjection;

  constructor(database: DataSource) {
    this.checkpoints = new LedgerCheckpointRepository(database);
    this.projection = new LedgerProjection({} as LedgerEventFollower, new ProjectionRepository());
  }

  /** Writes `events` in batches of `size`, from the checkpoint it reads first. */
  async apply(events: LedgerEvent[], size = events.length): Promise<void> {
    let position = await this.checkpoints.read(READER);
    for (let start = 0; start < events.length; start += size) {
      const batch = events.slice(start, start + size);
      const next = positionAfter(position, batch);
      await this.checkpoints.advance(READER, next, (manager) => this.projection.write(manager, batch));
      position = next;
    }
  }
}

/** The projection on the real PostgreSQL (a scratch database), written as the `projection` reader writes it. */
describe('the ledger projection on the real PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let database: DataSource;
  let otherPool: DataSource;
  // Each write of the history's legacy events warns of them: silenced here, checked once.
  let warn: jest.Spied<typeof Logger.prototype.warn>;

  /** Every projection row and the checkpoint, in key order. */
  async function snapshot(): Promise<Record<string, unknown[]>> {
    const tables: Record<string, unknown[]> = {};
    for (const { name, key } of TABLES) {
      tables[name] = await database.query(`SELECT * FROM ${name} ORDER BY ${key}`);
    }
    tables.ledger_checkpoint = await database.query(
      `SELECT reader, block_number::text, transaction_id, handled_in_block FROM ledger_checkpoint
       WHERE reader = 'projection'`,
    );
    return tables;
  }

  async function empty(): Promise<void> {
    await database.query(`TRUNCATE ${TABLES.map(({ name }) => name).join(', ')}`);
    await database.query("DELETE FROM ledger_checkpoint WHERE reader = 'projection'");
  }

  beforeAll(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    scratch = await ScratchDatabase.create('projection_rows');
    database = await scratch.connect();
    await database.runMigrations({ transaction: 'each' });
    otherPool = await scratch.connect();
  });

  afterAll(async () => {
    warn.mockRestore();
    await otherPool?.destroy();
    await database?.destroy();
    await scratch?.drop();
  });

  beforeEach(async () => {
    await empty();
    warn.mockClear();
  });

  it('writes every table of section D from the history, with the report’s hospital on its accesses', async () => {
    await new ProjectingProcess(database).apply(HISTORY);

    expect(warn.mock.calls.map(([message]) => message)).toEqual(
      [PLACES.deniedRequestAsked, PLACES.cancelledRequestAsked].map(
        (place) => `skipped AccessRequested ${txIdOf(place.tx)}: written before the v2 event envelope`,
      ),
    );
    const rows = await snapshot();
    expect(Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, list.length]))).toEqual({
      projection_participants: 3,
      projection_reports: 2,
      projection_requests: 3,
      projection_grants: 3,
      projection_care_assignments: 1,
      projection_erasures: 1,
      projection_accesses: 2,
      // Every event but the probe and the two legacy ones.
      projection_events: HISTORY.length - 3,
      ledger_checkpoint: 1,
    });
    const accesses = await database.query<Array<{ outcome: string; patient_msp_id: string }>>(
      'SELECT outcome, patient_msp_id FROM projection_accesses ORDER BY block_number',
    );
    expect(accesses).toEqual([
      { outcome: 'granted', patient_msp_id: HOSPITAL_A },
      { outcome: 'refused', patient_msp_id: HOSPITAL_A },
    ]);
    const [grant] = await database.query<Array<{ status: string; report_ids: string[]; block: string }>>(
      'SELECT status, report_ids, block_number::text AS block FROM projection_grants WHERE grant_id = $1',
      [GRANT_ID],
    );
    expect(grant).toEqual({ status: 'revoked', report_ids: [REPORT_ID], block: '15' });
    const [timeline] = await database.query<Array<{ patient_msp_id: string }>>(
      'SELECT patient_msp_id FROM projection_events WHERE tx_id = $1',
      [V2_EVENTS.ReportAccessed.transactionId],
    );
    expect(timeline.patient_msp_id).toBe(HOSPITAL_A);
    expect(rows.ledger_checkpoint).toEqual([
      {
        reader: 'projection',
        block_number: '26',
        transaction_id: V2_EVENTS.PatientErased.transactionId,
        handled_in_block: 1,
      },
    ]);
  });

  it('leaves the same rows however the events are batched, and when the same batches come again', async () => {
    await new ProjectingProcess(database).apply(HISTORY);
    const once = await snapshot();

    await database.query("DELETE FROM ledger_checkpoint WHERE reader = 'projection'");
    await new ProjectingProcess(database).apply(HISTORY);
    expect(await snapshot()).toEqual(once);

    for (const size of [1, 3, 7]) {
      await empty();
      await new ProjectingProcess(database).apply(HISTORY, size);
      expect(await snapshot()).toEqual(once);
    }
  });

  it('two processes projecting the same events at the same time leave exactly the rows of one', async () => {
    await new ProjectingProcess(database).apply(HISTORY);
    const alone = await snapshot();
    await empty();

    await Promise.all([
      new ProjectingProcess(database).apply(HISTORY, 1),
      new ProjectingProcess(otherPool).apply(HISTORY, 4),
    ]);

    expect(await snapshot()).toEqual(alone);
  });

  it('never moves a row back to an older version, nor the checkpoint back', async () => {
    await new ProjectingProcess(database).apply(HISTORY);
    const done = await snapshot();
    const checkpoints = new LedgerCheckpointRepository(otherPool);
    const projection = new LedgerProjection({} as LedgerEventFollower, new ProjectionRepository());

    // A slower process writes events the projection is past: the request approved, its grant still active.
    const late = [V2_EVENTS.RequestApproved, V2_EVENTS.CareAssigned];
    await checkpoints.advance(READER, positionAfter(null, late), (manager) => projection.write(manager, late));

    expect(await snapshot()).toEqual(done);
  });

  it('never moves the checkpoint back within a block', async () => {
    const throughBlock24 = HISTORY.slice(0, HISTORY.indexOf(V2_EVENTS.RequestCancelled) + 1);
    await new ProjectingProcess(database).apply(throughBlock24);
    const checkpoints = new LedgerCheckpointRepository(otherPool);
    const projection = new LedgerProjection({} as LedgerEventFollower, new ProjectionRepository());

    // Another process, which started at block 24, writes its first event (RequestDenied) after the second.
    const denied = [V2_EVENTS.RequestDenied];
    await checkpoints.advance(
      READER,
      positionAfter({ blockNumber: 24n, transactionId: null, handledInBlock: 0 }, denied),
      (manager) => projection.write(manager, denied),
    );

    expect(await checkpoints.read(READER)).toEqual({
      blockNumber: 24n,
      transactionId: V2_EVENTS.RequestCancelled.transactionId,
      handledInBlock: 2,
    });
  });

  it('a report recorded on the ledger after its void mark replaces the mark', async () => {
    const voidedThenRecorded = v2Event('ReportRecorded', { block: 30n, tx: 'recorded-after-void' }, PEOPLE.doctor, {
      report: {
        ...(V2_EVENTS.ReportRecorded.payload as { records: { report: object } }).records.report,
        reportId: (V2_EVENTS.ReportVoided.payload as { records: { void: { reportId: string } } }).records.void.reportId,
        txId: txIdOf('recorded-after-void'),
      },
    });
    await new ProjectingProcess(database).apply([V2_EVENTS.ReportVoided, voidedThenRecorded]);

    const [row] = await database.query<Array<Record<string, unknown>>>(
      `SELECT voided_at, patient_id, tx_id, block_number::text AS block FROM projection_reports`,
    );
    expect(row).toEqual({
      voided_at: null,
      patient_id: PEOPLE.patient.uid,
      tx_id: txIdOf('recorded-after-void'),
      block: '30',
    });
  });

  it('catches up at 1 000 events a second or more from an empty projection', async () => {
    const openings = Array.from({ length: 5000 }, (_, index) => {
      const place = { block: 100n + BigInt(Math.floor(index / 10)), tx: `opening-${index}` };
      return v2Event('ReportAccessed', place, PEOPLE.otherDoctor, { receipt: receiptRecord(place) });
    });
    const events = [...HISTORY, ...openings, legacyEvent('ReportRecorded', { block: 700n, tx: 'old' }, {})];

    const started = performance.now();
    await new ProjectingProcess(database).apply(events, 1000);
    const seconds = (performance.now() - started) / 1000;

    const [{ count }] = await database.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM projection_accesses',
    );
    expect(count).toBe(5002);
    expect(events.length / seconds).toBeGreaterThanOrEqual(1000);
  });
});
