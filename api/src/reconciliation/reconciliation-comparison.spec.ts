import { describe, expect, it } from '@jest/globals';
import { expectedProjection } from './expected-projection.js';
import { comparableRow, type ProjectedRow, RECONCILED_TABLE_NAMES, RECONCILED_TABLES } from './reconciled-tables.js';
import { compareTable, describeDifference, type Difference } from './reconciliation-comparison.js';
import { IDS, ledgerFacts, projectionOf, txId } from './testing/ledger-facts.js';

const COMPARE_ALL = { changedFromBlock: null };

/** Every table compared, every difference. */
function differencesOf(
  ledger = expectedProjection(ledgerFacts()),
  projection = projectionOf(ledgerFacts()),
  options: { changedFromBlock: bigint | null } = COMPARE_ALL,
): Difference[] {
  return RECONCILED_TABLE_NAMES.flatMap(
    (name) => compareTable(RECONCILED_TABLES[name], ledger[name], projection[name], options).differences,
  );
}

describe('compareTable', () => {
  it('finds no difference when the projection says what the ledger says, whatever its formats and order', () => {
    // The projection side holds Date objects, text numbers and reversed ID lists (see projectionOf).
    expect(differencesOf()).toEqual([]);
  });

  it('finds exactly the altered field, the missing row and the extra row', () => {
    const projection = projectionOf(ledgerFacts());
    // One field altered: the grant shows as revoked.
    const grant = projection.grants[0];
    projection.grants[0] = { ...grant, fields: { ...grant.fields, status: 'revoked' } };
    // One row missing: the refused opening is on the timeline but not among the accesses.
    projection.accesses = projection.accesses.filter((row) => row.key !== txId('refused-open'));
    // One row extra: a care assignment the ledger does not have.
    const extra = '0f0e0d0c-0b0a-4908-8706-050403020100';
    projection.careAssignments.push({
      ...comparableRow(RECONCILED_TABLES.careAssignments, extra, {
        patient_id: IDS.patient,
        doctor_id: IDS.doctor,
        hospital_msp_id: 'HospitalAMSP',
        assigned_by: IDS.admin,
        started_at: new Date('2025-03-03T09:00:00.000Z'),
        tx_id: txId('phantom-care'),
      }),
      versionBlock: 4n,
    });

    const differences = differencesOf(undefined, projection);

    expect(differences).toEqual([
      {
        table: 'projection_grants',
        key: IDS.grant,
        kind: 'field',
        field: 'status',
        ledger: 'active',
        projection: 'revoked',
      },
      {
        table: 'projection_care_assignments',
        key: extra,
        kind: 'projection-only',
        field: null,
        ledger: null,
        projection: null,
      },
      {
        table: 'projection_accesses',
        key: txId('refused-open'),
        kind: 'ledger-only',
        field: null,
        ledger: null,
        projection: null,
      },
    ]);
  });

  it('reports a row only on the ledger, one only in the projection, and a differing field, one each', () => {
    const spec = RECONCILED_TABLES.participants;
    const ledger = [
      comparableRow(spec, IDS.patient, { role: 'patient', msp_id: 'HospitalAMSP', tx_id: txId('a') }),
      comparableRow(spec, IDS.doctor, { role: 'doctor', msp_id: 'HospitalAMSP', tx_id: txId('b') }),
    ];
    const projection: ProjectedRow[] = [
      {
        ...comparableRow(spec, IDS.patient, { role: 'patient', msp_id: 'HospitalBMSP', tx_id: txId('a') }),
        versionBlock: 3n,
      },
      {
        ...comparableRow(spec, IDS.admin, { role: 'admin', msp_id: 'HospitalAMSP', tx_id: txId('c') }),
        versionBlock: 3n,
      },
    ];

    const { differences, ledgerRows, projectionRows, notCompared } = compareTable(
      spec,
      ledger,
      projection,
      COMPARE_ALL,
    );

    expect(differences.map((d) => [d.kind, d.key, d.field])).toEqual([
      ['field', IDS.patient, 'msp_id'],
      ['ledger-only', IDS.doctor, null],
      ['projection-only', IDS.admin, null],
    ]);
    expect({ ledgerRows, projectionRows, notCompared }).toEqual({ ledgerRows: 2, projectionRows: 2, notCompared: 0 });
    expect(differences.map(describeDifference)).toEqual([
      `projection_participants  ${IDS.patient}  msp_id  ledger=HospitalAMSP  projection=HospitalBMSP`,
      `projection_participants  ${IDS.doctor}  only on the ledger`,
      `projection_participants  ${IDS.admin}  only in the projection`,
    ]);
  });

  it('leaves uncompared what the projection wrote after the run started', () => {
    const projection = projectionOf(ledgerFacts(), 9n);
    const grant = projection.grants[0];
    projection.grants[0] = { ...grant, fields: { ...grant.fields, status: 'revoked' } };
    projection.participants.push({
      ...comparableRow(RECONCILED_TABLES.participants, IDS.admin, { role: 'admin', msp_id: 'HospitalAMSP' }),
      versionBlock: 9n,
    });

    const grants = compareTable(RECONCILED_TABLES.grants, expectedProjection(ledgerFacts()).grants, projection.grants, {
      changedFromBlock: 8n,
    });
    const participants = compareTable(
      RECONCILED_TABLES.participants,
      expectedProjection(ledgerFacts()).participants,
      projection.participants,
      { changedFromBlock: 8n },
    );

    expect(grants).toMatchObject({ differences: [], notCompared: 1 });
    expect(participants).toMatchObject({ differences: [], notCompared: 1 });
  });

  it('still reports a row only on the ledger when the projection has moved on', () => {
    const projection = projectionOf(ledgerFacts(), 9n);
    projection.reports = [];

    const reports = compareTable(
      RECONCILED_TABLES.reports,
      expectedProjection(ledgerFacts()).reports,
      projection.reports,
      { changedFromBlock: 8n },
    );

    expect(reports.differences).toEqual([expect.objectContaining({ kind: 'ledger-only', key: IDS.report })]);
  });

  it('does not count as differences the void marks and the timeline rows the ledger cannot list', () => {
    const projection = projectionOf(ledgerFacts());
    projection.reports.push({
      ...comparableRow(RECONCILED_TABLES.reports, IDS.otherReport, {
        voided_at: new Date('2025-03-04T09:00:00.000Z'),
        voided_by: IDS.doctor,
        voided_by_msp_id: 'HospitalAMSP',
        tx_id: txId('void'),
      }),
      versionBlock: 2n,
    });
    projection.events.push({
      ...comparableRow(RECONCILED_TABLES.events, txId('revoke'), { name: 'GrantRevoked' }),
      versionBlock: 2n,
    });

    expect(differencesOf(undefined, projection)).toEqual([]);
  });

  it('compares the event of each record creating transaction by its name', () => {
    const projection = projectionOf(ledgerFacts());
    projection.events = projection.events.map((row) =>
      row.key === txId('approve-request') ? { ...row, fields: { name: 'AccessGranted' } } : row,
    );

    expect(differencesOf(undefined, projection)).toEqual([
      {
        table: 'projection_events',
        key: txId('approve-request'),
        kind: 'field',
        field: 'name',
        ledger: 'RequestApproved',
        projection: 'AccessGranted',
      },
    ]);
  });
});
