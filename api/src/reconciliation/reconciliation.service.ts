import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { ComponentUnavailableError } from '../common/domain-error.js';
import { LedgerCheckpointRepository } from '../ledger-events/ledger-checkpoint.repository.js';
import { collectPages } from '../ledger/collect-pages.js';
import {
  type InspectedNetwork,
  type InspectedParticipant,
  LEDGER,
  type LedgerPort,
  type Page,
  type PageRequest,
} from '../ledger/ledger.port.js';
import { PROJECTION_READER } from '../projection/ledger-projection.js';
import { eventFactsOf, expectedProjection, type LedgerEventFact, type LedgerFacts } from './expected-projection.js';
import { RECONCILED_TABLE_NAMES, RECONCILED_TABLES } from './reconciled-tables.js';
import { compareTable } from './reconciliation-comparison.js';
import { type ReconciliationRun, reportOf } from './reconciliation-report.js';
import { ReconciliationRepository } from './reconciliation.repository.js';

/** The projection did not write every event of the ledger within the time the run waits. */
export class ProjectionBehindError extends ComponentUnavailableError {
  readonly code = 'PROJECTION_BEHIND';
}

export interface ReconciliationOptions {
  /** How long to wait, each time, for the projection to write the events up to the height read. */
  catchUpTimeoutMs: number;
  /** How often to look again meanwhile. */
  pollMs?: number;
  /** Deadline of one read of the blocks that tell whether events are still to be written. */
  blockScanDeadlineMs?: number;
  /** Deadline of the read of every block below the height the run started at, for its events. */
  eventScanDeadlineMs?: number;
  /** Patients whose records are read at once. */
  concurrency?: number;
  /** Where progress goes, a line at a time (IDs and counts only). */
  progress?: (line: string) => void;
}

const PAGE_SIZE = 100;

/**
 * Compares the ledger projection with the ledger itself, read as each hospital's service
 * identity, and records the run. The projection must first have written every event up to
 * the height the run starts at (ProjectionBehindError otherwise). Then the ledger is read
 * two ways at once: the chaincode's listings (every record's current state: the state
 * tables) and every block below that height (every event with its payload: the timeline,
 * and the block of each record's transaction). After that the run waits again until the
 * projection has written what was added meanwhile, so that a row the ledger showed is in
 * the projection unless it is missing for good. What changed during the read is left
 * uncompared (see compareTable).
 */
@Injectable()
export class ReconciliationService {
  // Every dependency by an explicit token: `npm run audit:reconcile` runs this under tsx,
  // which emits no constructor parameter types for Nest to inject by.
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(ReconciliationRepository) private readonly repository: ReconciliationRepository,
    @Inject(LedgerCheckpointRepository) private readonly checkpoints: LedgerCheckpointRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * Runs a reconciliation and records it (whatever it found).
   * @throws ProjectionBehindError when the projection does not catch up within `catchUpTimeoutMs`.
   * @throws LedgerUnavailableError when the ledger cannot be read.
   */
  async run(options: ReconciliationOptions): Promise<ReconciliationRun> {
    const progress = options.progress ?? (() => undefined);
    const startedAt = this.clock.now();
    const network = this.ledger.inspection.network();

    const atStart = await this.ledger.system.chainHeight();
    progress(`ledger height ${atStart}: waiting for the projection to hold every event below it`);
    await this.untilProjected(network, atStart, options);

    const [records, events] = await Promise.all([
      this.readLedger(network, options.concurrency ?? 8, progress),
      this.readEvents(atStart, options.eventScanDeadlineMs ?? 600_000, progress),
    ]);
    const facts: LedgerFacts = { ...records, events };
    const afterLedgerRead = await this.ledger.system.chainHeight();
    if (afterLedgerRead > atStart) {
      progress(`ledger height ${afterLedgerRead} after the read: waiting for the projection again`);
      await this.untilProjected(network, afterLedgerRead, options);
    }

    const projected = await this.repository.projection();
    const expected = expectedProjection(facts);
    const comparisons = RECONCILED_TABLE_NAMES.map((name) =>
      compareTable(RECONCILED_TABLES[name], expected[name], projected[name], { changedFromBlock: atStart }),
    );
    const report = reportOf(comparisons, { atStart, afterLedgerRead });
    const run: ReconciliationRun = {
      id: randomUUID(),
      startedAt,
      finishedAt: this.clock.now(),
      differences: report.differences.length,
      report,
    };
    await this.repository.record(run);
    return run;
  }

  /** Waits until the projection's checkpoint leaves no event of the chaincode below `height` unwritten. */
  private async untilProjected(
    network: InspectedNetwork,
    height: bigint,
    options: ReconciliationOptions,
  ): Promise<void> {
    const reader = { reader: PROJECTION_READER, channel: network.channel, chaincode: network.chaincode };
    const deadline = this.clock.now().getTime() + options.catchUpTimeoutMs;
    for (;;) {
      const checkpoint = await this.checkpoints.read(reader);
      const pending = await this.ledger.inspection.countEventsBetween(
        checkpoint,
        height,
        options.blockScanDeadlineMs ?? 30_000,
      );
      if (pending === 0) return;
      if (this.clock.now().getTime() >= deadline) {
        const at = checkpoint ? `block ${checkpoint.blockNumber}` : 'no block yet';
        throw new ProjectionBehindError(
          `the projection has not caught up with the ledger: ${pending} event(s) below height ${height} are not ` +
            `written yet after ${Math.round(options.catchUpTimeoutMs / 1000)} s (its checkpoint: ${at}). ` +
            'Is the API running? Its log names events it cannot project.',
        );
      }
      await sleep(options.pollMs ?? 500);
    }
  }

  /**
   * Every event of the chaincode below `height`, from the blocks, each kept as the facts the
   * comparison needs (its timeline row made at once: the payloads are not kept).
   */
  private async readEvents(
    height: bigint,
    deadlineMs: number,
    progress: (line: string) => void,
  ): Promise<LedgerEventFact[]> {
    const facts: LedgerEventFact[] = [];
    await this.ledger.inspection.readEventsBelow(height, deadlineMs, (events) => {
      for (const fact of eventFactsOf(events)) facts.push(fact);
    });
    progress(`read ${facts.length} events from ${height} blocks`);
    return facts;
  }

  /**
   * Every record the ledger shows the hospitals' service identities: participants and
   * reports as every hospital lists them, and each patient's records as the patient's own
   * hospital lists them (its auditor's view covers every record concerning its patients).
   */
  private async readLedger(
    network: InspectedNetwork,
    concurrency: number,
    progress: (line: string) => void,
  ): Promise<Omit<LedgerFacts, 'events'>> {
    const inspection = this.ledger.inspection;
    const hospitals = network.peers.map((peer) => peer.hospital);
    const everyHospital = async <T>(list: (hospital: string, page: PageRequest) => Promise<Page<T>>) =>
      (await Promise.all(hospitals.map((hospital) => all((page) => list(hospital, page))))).flat();

    const participants = uniqueBy(
      await everyHospital((hospital, page) => inspection.listParticipants(hospital, page)),
      (participant) => participant.uid,
    );
    const reports = uniqueBy(
      await everyHospital((hospital, page) => inspection.listReports(hospital, page)),
      (report) => report.reportId,
    );
    const patients = participants.filter((participant) => participant.role === 'patient');
    progress(
      `read ${participants.length} participants and ${reports.length} reports; reading ${patients.length} patients' records`,
    );

    const hospitalOf = new Map(network.peers.map((peer) => [peer.mspId, peer.hospital]));
    const perPatient = await mapConcurrently(patients, concurrency, async (patient: InspectedParticipant) => {
      const hospital = hospitalOf.get(patient.mspId) ?? hospitals[0];
      const of = <T>(list: (hospital: string, patientId: string, page: PageRequest) => Promise<Page<T>>) =>
        all((page) => list(hospital, patient.uid, page));
      const [receipts, refusals, requests, grants, careAssignments, erasure] = await Promise.all([
        of((h, id, page) => inspection.listReceiptsByPatient(h, id, page)),
        of((h, id, page) => inspection.listRefusalsByPatient(h, id, page)),
        of((h, id, page) => inspection.listRequestsByPatient(h, id, page)),
        of((h, id, page) => inspection.listGrantsByPatient(h, id, page)),
        of((h, id, page) => inspection.listCareByPatient(h, id, page)),
        inspection.getErasure(hospital, patient.uid),
      ]);
      return { receipts, refusals, requests, grants, careAssignments, erasures: erasure ? [erasure] : [] };
    });
    progress(`read the records of ${patients.length} patients`);

    return {
      participants,
      reports,
      receipts: perPatient.flatMap((records) => records.receipts),
      refusals: perPatient.flatMap((records) => records.refusals),
      requests: uniqueBy(
        perPatient.flatMap((records) => records.requests),
        (request) => request.requestId,
      ),
      grants: uniqueBy(
        perPatient.flatMap((records) => records.grants),
        (grant) => grant.grantId,
      ),
      careAssignments: uniqueBy(
        perPatient.flatMap((records) => records.careAssignments),
        (care) => care.assignmentId,
      ),
      erasures: perPatient.flatMap((records) => records.erasures),
    };
  }
}

/** Every item of a paginated listing. */
function all<T>(list: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  return collectPages((bookmark) => list({ pageSize: PAGE_SIZE, bookmark }));
}

/** One item per key, the last of each. */
function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

/** `work` over every item, at most `limit` at a time, results in the items' order. */
async function mapConcurrently<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
