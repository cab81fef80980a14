/**
 * Cost of the MedLedger chaincode's hot transactions on the running network, beside the
 * no-op `system:Ping` measured in the same run: `reports:RecordReport` (a doctor recording
 * a report under a care assignment); `reports:AccessReport` (a HospitalB doctor opening a
 * HospitalA patient's report under a grant in their name: it scans the pair's grants and
 * writes a receipt with three index entries); and `reports:AccessReport` under an
 * organisation grant (another HospitalB doctor, with no grant in their name, opening a
 * report the patient granted HospitalB as a whole, the costliest path: the pair's range,
 * then the range of the patient's grants to the reader's hospital, then the receipt). Each
 * submitted, endorsed by both hospitals, ordered and committed; latency from submit to
 * commit status.
 *
 * The transactions of each run are measured in rounds, the order of the four rotating
 * from round to round, so that the machine's drift and warm-up weigh on each alike.
 *
 * The API's ledger-event followers (projection, notifications) work for every event these
 * transactions emit and the no-op does not: on a machine of few cores they take CPU from the
 * peers at high concurrency and weigh on the ratios. For the chaincode's own cost, run it
 * with the network up and the API stopped (`npm start`, then stop the `api` service).
 *
 *   npm run bench:chaincode [-- --transactions 300 --concurrency 1,16,64 --rounds 3]
 */
import { randomUUID } from 'node:crypto';
import { LedgerActor, PeerClients } from '../test/support/ledger-actors.js';
import { loadNetworkProfile } from '../test/support/network-profile.js';
import { sealReport, SealedReport } from '../test/support/phi.js';
import { combineRuns, formatRun, measure, parseBenchArgs, RunFigures } from './support/measure.js';

const GOAL_RATIO = 1.3;
/** AccessReport by a doctor let in by a grant to their hospital as a whole. */
const ORGANISATION_ACCESS = 'AccessReport under an organisation grant';

async function main(): Promise<void> {
  const { transactions, concurrency, rounds } = parseBenchArgs(process.argv.slice(2), {
    transactions: 300,
    concurrency: [1, 16, 64],
    rounds: 3,
  });
  const profile = loadNetworkProfile();
  const clients = new PeerClients(profile);
  const [admin, doctor, patient, grantee, colleague] = await Promise.all([
    LedgerActor.enroll(profile, clients, 'hospital-a', 'admin'),
    LedgerActor.enroll(profile, clients, 'hospital-a', 'doctor'),
    LedgerActor.enroll(profile, clients, 'hospital-a', 'patient'),
    LedgerActor.enroll(profile, clients, 'hospital-b', 'doctor'),
    LedgerActor.enroll(profile, clients, 'hospital-b', 'doctor'),
  ]);
  const actors = [admin, doctor, patient, grantee, colleague];
  try {
    await Promise.all(actors.map((actor) => actor.submit('participants', 'RegisterSelf')));
    await admin.submit('care', 'AssignCare', randomUUID(), patient.uid, doctor.uid);
    // Content digests are computed up front: the benchmark measures the ledger, not AES.
    const sealed: SealedReport = await sealReport('benchmark report');
    const record = () => doctor.recordReport(randomUUID(), patient.uid, 'lab', sealed);
    const opened = (await record()).result as { reportId: string };
    await patient.submit(
      'consent',
      'GrantAccess',
      randomUUID(),
      grantee.uid,
      JSON.stringify([opened.reportId]),
      String(24 * 60),
      'TREAT',
    );
    const openedByHospital = (await record()).result as { reportId: string };
    const toHospital = await patient.grantOrganisation(
      randomUUID(),
      'hospital',
      colleague.mspId,
      [openedByHospital.reportId],
      24 * 60,
    );
    // Both peers endorse every opening: neither may be a block short of the grant.
    await patient.untilEveryPeerHas(toHospital.blockNumber);
    // Warm up every path.
    await grantee.submit('reports', 'AccessReport', opened.reportId);
    await colleague.submit('reports', 'AccessReport', openedByHospital.reportId);
    await doctor.submit('system', 'Ping');

    const operations: Array<[string, () => Promise<unknown>]> = [
      ['system:Ping', () => doctor.submit('system', 'Ping')],
      ['RecordReport', record],
      ['AccessReport', () => grantee.submit('reports', 'AccessReport', opened.reportId)],
      [ORGANISATION_ACCESS, () => colleague.submit('reports', 'AccessReport', openedByHospital.reportId)],
    ];
    console.log(
      `MedLedger chaincode transactions, ${transactions} per run in ${rounds} rounds, endorsed by HospitalA and HospitalB`,
    );
    for (const clientsCount of concurrency) {
      console.log(`\nconcurrency ${clientsCount}`);
      const runs = new Map<string, RunFigures[]>(operations.map(([name]) => [name, []]));
      for (let round = 0; round < rounds; round += 1) {
        const shift = round % operations.length;
        const order = [...operations.slice(shift), ...operations.slice(0, shift)];
        for (const [name, operation] of order) {
          runs.get(name)!.push(
            await measure(Math.ceil(transactions / rounds), clientsCount, async () => {
              await operation();
            }),
          );
        }
      }
      const figures = new Map<string, RunFigures>();
      for (const [name] of operations) {
        figures.set(name, combineRuns(runs.get(name)!));
        console.log(formatRun(`  ${name.padEnd(ORGANISATION_ACCESS.length)}`, figures.get(name)!));
      }
      const baseline = figures.get('system:Ping') as RunFigures;
      for (const name of ['RecordReport', 'AccessReport', ORGANISATION_ACCESS]) {
        const run = figures.get(name) as RunFigures;
        const p50 = run.p50 / baseline.p50;
        const p95 = run.p95 / baseline.p95;
        const throughput = baseline.perSecond / run.perSecond;
        const verdict = Math.max(p50, throughput) <= GOAL_RATIO ? 'within' : 'OVER';
        console.log(
          `  ${name.padEnd(ORGANISATION_ACCESS.length)} vs no-op: p50 ${p50.toFixed(2)}x  p95 ${p95.toFixed(2)}x  time per tx ${throughput.toFixed(2)}x  (${verdict} the ${GOAL_RATIO}x goal)`,
        );
      }
    }
  } finally {
    for (const actor of actors) actor.close();
    clients.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
