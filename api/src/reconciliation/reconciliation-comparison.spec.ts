import { describe, expect, it } from '@jest/globals';
import type { LedgerEvent } from '../ledger/ledger.port.js';
import { eventFactsOf, expectedProjection, type LedgerFacts } from './expected-projection.js';
import { comparableRow, type ProjectedRow, RECONCILED_TABLE_NAMES, RECONCILED_TABLES } from './reconciled-tables.js';
import { compareTable, describeDifference, type Difference } from './reconciliation-comparison.js';
import { IDS, ledgerEvent, ledgerFacts, projectionOf, txId } from './testing/ledger-facts.js';

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

  it('does not count as a difference the void mark of a report never recorded, which no listing shows', () => {
    const projection = projectionOf(ledgerFacts());
    projection.reports.push({
      ...comparableRow(RECONCILED_TABLES.reports, IDS.otherReport, {
        voided_at: new Date('2025-03-04T09:00:00.000Z'),
        voided_by: IDS.doctor,
        voided_by_msp_id: 'HospitalAMSP',
        tx_id: txId('void'),
        block_number: '2',
      }),
      versionBlock: 2n,
    });

    expect(differencesOf(undefined, projection)).toEqual([]);
  });

  it('compares the block of each row’s transaction with the block the ledger holds it in', () => {
    const projection = projectionOf(ledgerFacts());
    const opening = projection.accesses.find((row) => row.key === txId('open-report'))!;
    opening.fields = { ...opening.fields, block_number: '5' };

    expect(differencesOf(undefined, projection)).toEqual([
      {
        table: 'projection_accesses',
        key: txId('open-report'),
        kind: 'field',
        field: 'block_number',
        ledger: '4',
        projection: '5',
      },
    ]);
  });
});

describe('compareTable over the timeline (projection_events)', () => {
  /** The events of `facts` as the projection maps them, against `projection`'s timeline rows. */
  const timelineDifferences = (facts: LedgerFacts, projection: ProjectedRow[]) =>
    compareTable(RECONCILED_TABLES.events, expectedProjection(facts).events, projection, COMPARE_ALL).differences;

  it('finds no difference when the projection holds every event’s row as the ledger’s blocks say it', () => {
    const facts = ledgerFacts();

    expect(facts.events).toHaveLength(8); // the probe is no part of the projection
    expect(timelineDifferences(facts, projectionOf(facts).events)).toEqual([]);
  });

  it('finds exactly a visibility column altered, a GrantRevoked row missing, a row extra and a block wrong', () => {
    const facts = ledgerFacts();
    // On the ledger, and never projected: the patient revoked the grant in block 7.
    const revoked = {
      ...facts.grants[0],
      effectiveStatus: undefined,
      status: 'revoked',
      revokedAt: '2025-03-03T08:00:00.000Z',
    };
    facts.events.push(
      ...eventFactsOf([
        ledgerEvent(
          'revoke-grant',
          7n,
          'GrantRevoked',
          'patient',
          revoked.revokedAt,
          { grant: revoked },
          { grantId: IDS.grant },
        ),
      ]),
    );
    const projection = projectionOf(ledgerFacts()).events.map((row) => {
      // The opening shown as another hospital's patient's: that hospital's auditors would see it.
      if (row.key === txId('open-report')) return { ...row, fields: { ...row.fields, patient_msp_id: 'HospitalBMSP' } };
      // The report's recording in the wrong block.
      if (row.key === txId('record-report')) return { ...row, fields: { ...row.fields, block_number: '9' } };
      return row;
    });
    // A row the ledger never wrote: a care assignment ended.
    projection.push({
      ...comparableRow(RECONCILED_TABLES.events, txId('phantom-end'), {
        block_number: '3',
        at: new Date('2025-03-01T12:00:00.000Z'),
        name: 'CareEnded',
        actor_id: IDS.admin,
        actor_role: 'admin',
        actor_msp_id: 'HospitalAMSP',
        patient_id: IDS.patient,
        patient_msp_id: 'HospitalAMSP',
        subject_type: 'care',
        subject_id: IDS.care,
        other_msp_id: 'HospitalAMSP',
      }),
      versionBlock: 3n,
    });

    const differences = timelineDifferences(facts, projection);

    expect(differences).toHaveLength(4);
    expect(differences).toEqual(
      expect.arrayContaining([
        {
          table: 'projection_events',
          key: txId('open-report'),
          kind: 'field',
          field: 'patient_msp_id',
          ledger: 'HospitalAMSP',
          projection: 'HospitalBMSP',
        },
        {
          table: 'projection_events',
          key: txId('revoke-grant'),
          kind: 'ledger-only',
          field: null,
          ledger: null,
          projection: null,
        },
        {
          table: 'projection_events',
          key: txId('phantom-end'),
          kind: 'projection-only',
          field: null,
          ledger: null,
          projection: null,
        },
        {
          table: 'projection_events',
          key: txId('record-report'),
          kind: 'field',
          field: 'block_number',
          ledger: '3',
          projection: '9',
        },
      ]),
    );
    // Every table: the same four, nothing else (the listings do not change).
    expect(
      differencesOf(expectedProjection(facts), { ...projectionOf(ledgerFacts()), events: projection }),
    ).toHaveLength(4);
  });

  it('compares every column of a row, the actor’s and the other hospital included', () => {
    const facts = ledgerFacts();
    const projection = projectionOf(facts).events.map((row) =>
      row.key === txId('approve-request')
        ? {
            ...row,
            fields: {
              ...row.fields,
              actor_msp_id: 'HospitalBMSP',
              other_msp_id: 'HospitalBMSP',
              at: '2025-03-02T10:00:00.001Z',
            },
          }
        : row,
    );

    expect(timelineDifferences(facts, projection).map((d) => [d.key, d.field, d.ledger, d.projection])).toEqual([
      [txId('approve-request'), 'actor_msp_id', 'HospitalAMSP', 'HospitalBMSP'],
      [txId('approve-request'), 'at', '2025-03-02T10:00:00.000Z', '2025-03-02T10:00:00.001Z'],
      [txId('approve-request'), 'other_msp_id', null, 'HospitalBMSP'],
    ]);
  });

  it('reports an event the projection cannot map (written before the v2 envelope) as missing, comparing its name and block only', () => {
    const legacy: LedgerEvent = {
      blockNumber: 2n,
      transactionId: txId('legacy-care'),
      name: 'CareEnded',
      payload: { assignmentId: IDS.care, patientId: IDS.patient },
    };
    const facts = ledgerFacts();
    facts.events.push(...eventFactsOf([legacy]));

    expect(timelineDifferences(facts, projectionOf(facts).events)).toEqual([
      expect.objectContaining({ key: txId('legacy-care'), kind: 'ledger-only' }),
    ]);
    // Should a row of it be there, only what the ledger tells of it is compared.
    const row = {
      ...comparableRow(RECONCILED_TABLES.events, legacy.transactionId, {
        block_number: '2',
        name: 'CareEnded',
        subject_type: 'care',
      }),
      versionBlock: 2n,
    };
    expect(timelineDifferences(facts, [...projectionOf(facts).events, row])).toEqual([]);
    expect(
      timelineDifferences(facts, [
        ...projectionOf(facts).events,
        { ...row, fields: { ...row.fields, block_number: '3' } },
      ]),
    ).toEqual([expect.objectContaining({ key: txId('legacy-care'), field: 'block_number' })]);
  });
});
