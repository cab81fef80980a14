import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody, registerPatient, type SignedIn } from '../support/accounts.js';
import { callApi } from '../support/api.js';
import { ApiProcess, spareApiPort } from '../support/api-process.js';
import { PROJECT_DIR } from '../support/network-profile.js';
import { ScratchDatabase } from '../support/scratch-database.js';
import { components, eventually } from '../support/services.js';
import { openReport, uploadReport } from '../support/uploads.js';

const run = promisify(execFile);

/** What `npm run audit:reconcile` answered: its exit code and what it printed. */
async function reconcile(databaseUrl: string): Promise<{ exitCode: number; output: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'audit:reconcile'], {
      cwd: PROJECT_DIR,
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_OPTIONS: '' },
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/**
 * The ledger projection of API processes with a database of their own (a scratch database on
 * the real PostgreSQL server, filled from the first block): killed with SIGKILL in the middle
 * of 50 transactions, and cut off from its peer for 30 s, it catches up with exactly those
 * transactions, with a second process projecting into the same tables at the same time; then
 * the reconciliation finds the projection equal to the ledger, and finds a row altered by hand.
 */
describe('the ledger projection through crashes and peer outages', () => {
  const first = new ApiProcess('api-projection-1', spareApiPort(3));
  const second = new ApiProcess('api-projection-2', spareApiPort(4));
  let scratch: ScratchDatabase;
  let projection: DataSource;
  /** The database of the API that `npm test` runs, with its own projection of the same ledger. */
  let main: DataSource;
  let admin: SignedIn;
  let doctor: SignedIn;
  let patient: SignedIn;
  let reportId: string;
  const settings = () => ({ DATABASE_URL: scratch.url, BOOTSTRAP_ADMINS: '' });

  /** Which of `txIds` the scratch projection holds an access row of. */
  async function projected(txIds: string[]): Promise<Set<string>> {
    const rows = await projection.query<Array<{ tx_id: string }>>(
      'SELECT tx_id FROM projection_accesses WHERE tx_id = ANY($1)',
      [txIds],
    );
    return new Set(rows.map((row) => row.tx_id));
  }

  /**
   * The scratch projection holds, for these transactions, exactly the rows the API that
   * `npm test` runs projected on its own (every column of the access and timeline rows):
   * nothing skipped, nothing different after the crash or the outage.
   */
  async function expectSameAsMainProjection(txIds: string[]): Promise<void> {
    for (const table of ['projection_accesses', 'projection_events']) {
      const sql = `SELECT * FROM ${table} WHERE tx_id = ANY($1) ORDER BY tx_id`;
      await eventually(
        async () => (await main.query<unknown[]>(sql, [txIds])).length === txIds.length,
        60_000,
        `the main projection of ${table}`,
      );
      const [ours, theirs] = await Promise.all([projection.query(sql, [txIds]), main.query(sql, [txIds])]);
      expect(ours).toHaveLength(txIds.length);
      expect(ours).toEqual(theirs);
    }
  }

  async function untilProjected(txIds: string[]): Promise<void> {
    await eventually(async () => (await projected(txIds)).size === txIds.length, 120_000, 'the projection catching up');
  }

  /** Opens the report `count` times through the main API; the receipts' transaction IDs. */
  async function openings(count: number, onEach?: (txId: string) => Promise<void>): Promise<string[]> {
    const txIds: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const opened = await openReport(doctor, reportId);
      expect(opened.status).toBe(200);
      const txId = opened.headers.get('x-access-receipt-tx-id')!;
      txIds.push(txId);
      await onEach?.(txId);
    }
    return txIds;
  }

  beforeAll(async () => {
    scratch = await ScratchDatabase.create('projection');
    admin = await bootstrapAdmin('hospital-a');
    [doctor, patient] = await Promise.all([createStaff(admin, 'doctor'), registerPatient('hospital-a')]);
    const assigned = await callApi('/api/v1/admin/care-assignments', {
      method: 'POST',
      ...jsonBody({ patientId: patient.id, doctorId: doctor.id }, bearer(admin.accessToken)),
    });
    expect(assigned.status).toBe(201);
    const uploaded = await uploadReport(doctor, { patientId: patient.id, type: 'lab' }, { bytes: randomBytes(500) });
    expect(uploaded.status).toBe(201);
    reportId = (uploaded.body as { id: string }).id;
    await Promise.all([first.start(settings()), second.start(settings())]);
    projection = await scratch.connect();
    main = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
    // The scratch projection starts at the first block: let it reach the present (the
    // report recorded above) before the tests cut it off in the middle of new transactions.
    const recorded = (uploaded.body as { txId: string }).txId;
    await eventually(
      async () =>
        (await projection.query<unknown[]>('SELECT 1 FROM projection_events WHERE tx_id = $1', [recorded])).length ===
        1,
      600_000,
      'the scratch projection catching up with the ledger',
    );
  }, 900_000);

  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
    await projection?.destroy();
    await main?.destroy();
    await scratch?.drop();
  });

  /** Opens the report 50 times, killing `process` with SIGKILL once 10 of them are projected; the receipts. */
  async function fiftyKillingMidway(process: ApiProcess): Promise<{ txIds: string[]; atKill: number }> {
    const txIds: string[] = [];
    let atKill = -1;
    await openings(50, async (txId) => {
      txIds.push(txId);
      if (atKill < 0 && (await projected(txIds)).size >= 10) {
        await process.kill();
        atKill = (await projected(txIds)).size;
      }
    });
    expect(atKill).toBeGreaterThanOrEqual(10);
    expect(atKill).toBeLessThan(50);
    expect(await process.exited()).toBe('SIGKILL');
    return { txIds, atKill };
  }

  it('two processes project the same events into the same tables: one killed in the middle of 50 transactions, the other goes on; the rows are the main projection’s', async () => {
    const { txIds } = await fiftyKillingMidway(first);

    await untilProjected(txIds);
    await expectSameAsMainProjection(txIds);
  }, 600_000);

  it('killed with SIGKILL in the middle of 50 transactions, it catches up with exactly those 50 on restart', async () => {
    await second.stop();
    await first.start(settings());
    const { txIds, atKill } = await fiftyKillingMidway(first);
    expect((await projected(txIds)).size).toBe(atKill);

    await first.start(settings());
    await untilProjected(txIds);
    await expectSameAsMainProjection(txIds);
    const [{ count }] = await projection.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM projection_accesses WHERE patient_id = $1',
      [patient.id],
    );
    expect(count).toBe(100);
  }, 600_000);

  it('with its peer stopped for 30 s it waits (the status shows the peer away), and catches up with exactly the 50 transactions it missed once the peer is back', async () => {
    await Promise.all([first.stop(), second.stop()]);
    const missed = await openings(50);
    expect((await projected(missed)).size).toBe(0);
    await components.stopNetworkService('peer0-hospitala');
    try {
      await Promise.all([first.start(settings()), second.start(settings())]);
      await new Promise((resolve) => setTimeout(resolve, 30_000));
      expect((await projected(missed)).size).toBe(0);
      // The system's status says which peer is away, and still answers.
      const status = await callApi('/api/v1/system/status', { headers: bearer(admin.accessToken) });
      expect(status.status).toBe(200);
      expect((status.body as { peers: Array<{ hospital: string; answering: boolean }> }).peers).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ hospital: 'hospital-a', answering: false, blockHeight: null }),
          expect.objectContaining({ hospital: 'hospital-b', answering: true }),
        ]),
      );
    } finally {
      await components.startNetwork();
    }
    await untilProjected(missed);
    await expectSameAsMainProjection(missed);
  }, 600_000);

  it('the reconciliation finds the projection equal to the ledger, then exactly a field altered, a row deleted and a row added by hand', async () => {
    await eventually(
      async () => {
        const [row] = await projection.query<Array<{ block: string }>>(
          "SELECT block_number::text AS block FROM ledger_checkpoint WHERE reader = 'projection'",
        );
        return row !== undefined;
      },
      30_000,
      'a projection checkpoint',
    );
    const clean = await reconcile(scratch.url);
    expect(clean.output).not.toMatch(/\bat \S+ \(|Error: /);
    expect(clean.exitCode).toBe(0);

    // By hand: one field altered, one row deleted, one row added that the ledger never wrote.
    // (An UPDATE or DELETE answers [rows, affected count].)
    const [[altered]] = await projection.query<[Array<{ tx_id: string }>, number]>(
      `UPDATE projection_accesses SET purpose_of_use = 'HPAYMT'
       WHERE tx_id = (SELECT tx_id FROM projection_accesses WHERE patient_id = $1 ORDER BY at LIMIT 1)
       RETURNING tx_id`,
      [patient.id],
    );
    const [[deleted]] = await projection.query<[Array<{ assignment_id: string }>, number]>(
      'DELETE FROM projection_care_assignments WHERE patient_id = $1 RETURNING assignment_id',
      [patient.id],
    );
    const forged = 'f'.repeat(64);
    await projection.query(
      `INSERT INTO projection_accesses
       SELECT $2, block_number, at, outcome, refusal_code, report_id, patient_id, patient_msp_id, actor_id, actor_role,
              actor_msp_id, basis, grant_id, grantee_kind, purpose_of_use
       FROM projection_accesses WHERE tx_id = (SELECT tx_id FROM projection_accesses WHERE patient_id = $1 ORDER BY at DESC LIMIT 1)`,
      [patient.id, forged],
    );

    const dirty = await reconcile(scratch.url);
    expect(dirty.exitCode).toBe(1);
    const [run] = await projection.query<Array<{ differences: number; report: { differences: unknown[] } }>>(
      'SELECT differences, report FROM audit_reconciliations ORDER BY finished_at DESC LIMIT 1',
    );
    expect(run!.differences).toBe(3);
    expect(run!.report.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ table: 'projection_accesses', key: altered!.tx_id, field: 'purpose_of_use' }),
        expect.objectContaining({ table: 'projection_care_assignments', key: deleted!.assignment_id }),
        expect.objectContaining({ table: 'projection_accesses', key: forged }),
      ]),
    );
    for (const key of [altered!.tx_id, deleted!.assignment_id, forged]) expect(dirty.output).toContain(key);
  }, 900_000);
});
