import { describe, expect, it } from '@jest/globals';
import {
  ASSIGNMENT_ID,
  CANCELLED_REQUEST_ID,
  careRecord,
  DENIED_REQUEST_ID,
  EMERGENCY_GRANT_ID,
  GRANT_ID,
  HISTORY,
  HOSPITAL_A,
  HOSPITAL_B,
  HOSPITAL_GRANT_ID,
  legacyEvent,
  PEOPLE,
  PLACES,
  REPORT_ID,
  REQUEST_ID,
  timeOfBlock,
  txIdOf,
  V2_EVENTS,
  v2Event,
  VOIDED_REPORT_ID,
} from '../../../test/fixtures/ledger-events.js';
import type { LedgerEvent } from '../ledger/ledger.port.js';
import { type ProjectionRows, projectionRowsOf } from './projection-rows.js';

const { patient, doctor, otherDoctor, admin, auditor } = PEOPLE;
const tx = (place: { tx: string }) => txIdOf(place.tx);
const at = (place: { block: bigint }) => timeOfBlock(place.block);

/** How many rows of each table the events write. */
const counts = (rows: ProjectionRows) =>
  Object.fromEntries(
    Object.entries(rows)
      .filter(([, table]) => table.length > 0)
      .map(([name, table]) => [name, table.length]),
  );

/** The rows of one event, which must be projected. */
function rowsOf(event: LedgerEvent): ProjectionRows {
  const { rows, skipped } = projectionRowsOf([event]);
  expect(skipped).toEqual([]);
  return rows;
}

/** The timeline row's columns that every event has, for `event`. */
const timelineOf = (event: LedgerEvent, actor: { uid: string; role: string; mspId: string }) => ({
  tx_id: event.transactionId,
  block_number: event.blockNumber.toString(),
  at: timeOfBlock(event.blockNumber),
  name: event.name,
  actor_id: actor.uid,
  actor_role: actor.role,
  actor_msp_id: actor.mspId,
});

describe('projectionRowsOf', () => {
  it.each([
    ['ParticipantRegistered', { participants: 1, events: 1 }],
    ['ReportRecorded', { reports: 1, events: 1 }],
    ['ReportVoided', { reports: 1, events: 1 }],
    ['ReportAccessed', { accesses: 1, events: 1 }],
    ['ReportAccessRefused', { accesses: 1, events: 1 }],
    ['AccessRequested', { requests: 1, events: 1 }],
    ['RequestApproved', { requests: 1, grants: 1, events: 1 }],
    ['RequestDenied', { requests: 1, events: 1 }],
    ['RequestCancelled', { requests: 1, events: 1 }],
    ['AccessGranted', { grants: 1, events: 1 }],
    ['GrantRevoked', { grants: 1, events: 1 }],
    ['EmergencyDeclared', { grants: 1, events: 1 }],
    ['EmergencyReviewed', { grants: 1, events: 1 }],
    ['CareAssigned', { careAssignments: 1, events: 1 }],
    ['CareEnded', { careAssignments: 1, events: 1 }],
    ['PatientErased', { participants: 1, erasures: 1, events: 1 }],
  ] as const)('%s writes its records and its timeline row: %o', (name, expected) => {
    expect(counts(rowsOf(V2_EVENTS[name]))).toEqual(expected);
  });

  it('ParticipantRegistered: the participant, created here', () => {
    const rows = rowsOf(V2_EVENTS.ParticipantRegistered);

    expect(rows.participants).toEqual([
      {
        uid: patient.uid,
        role: 'patient',
        msp_id: HOSPITAL_A,
        registered_at: at(PLACES.patientRegistered),
        erased_at: null,
        block_number: '10',
        tx_id: tx(PLACES.patientRegistered),
        last_block_number: '10',
        last_tx_id: tx(PLACES.patientRegistered),
      },
    ]);
    expect(rows.events).toEqual([
      {
        ...timelineOf(V2_EVENTS.ParticipantRegistered, patient),
        patient_id: patient.uid,
        patient_msp_id: HOSPITAL_A,
        report_id: null,
        subject_type: 'participant',
        subject_id: patient.uid,
        other_msp_id: null,
        purpose_of_use: null,
        outcome: null,
        refusal_code: null,
      },
    ]);
  });

  it('ParticipantRegistered of a doctor concerns no patient', () => {
    const [registered] = HISTORY.filter((event) => event.transactionId === tx(PLACES.doctorRegistered));

    expect(rowsOf(registered).events[0]).toMatchObject({
      patient_id: null,
      patient_msp_id: null,
      actor_id: doctor.uid,
    });
  });

  it('ReportRecorded: the report with its patient’s hospital, no void', () => {
    const rows = rowsOf(V2_EVENTS.ReportRecorded);

    expect(rows.reports).toEqual([
      {
        report_id: REPORT_ID,
        patient_id: patient.uid,
        hospital_msp_id: HOSPITAL_A,
        author_id: doctor.uid,
        author_role: 'doctor',
        author_msp_id: HOSPITAL_A,
        type: 'lab',
        cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
        ciphertext_sha256: 'a'.repeat(64),
        plaintext_commitment: 'b'.repeat(64),
        size: 5120,
        recorded_at: at(PLACES.reportRecorded),
        write_basis: 'care',
        write_basis_id: ASSIGNMENT_ID,
        voided_at: null,
        voided_by: null,
        voided_by_msp_id: null,
        block_number: '13',
        tx_id: tx(PLACES.reportRecorded),
        last_block_number: '13',
        last_tx_id: tx(PLACES.reportRecorded),
      },
    ]);
    expect(rows.events[0]).toMatchObject({
      subject_type: 'report',
      subject_id: REPORT_ID,
      report_id: REPORT_ID,
      patient_id: patient.uid,
      patient_msp_id: HOSPITAL_A,
    });
  });

  it('ReportVoided: the void mark of an ID never recorded, with no report fields', () => {
    const rows = rowsOf(V2_EVENTS.ReportVoided);

    expect(rows.reports).toEqual([
      expect.objectContaining({
        report_id: VOIDED_REPORT_ID,
        patient_id: null,
        hospital_msp_id: null,
        recorded_at: null,
        size: null,
        voided_at: at(PLACES.reportVoided),
        voided_by: doctor.uid,
        voided_by_msp_id: HOSPITAL_A,
        block_number: '14',
        tx_id: tx(PLACES.reportVoided),
      }),
    ]);
    expect(rows.events[0]).toMatchObject({
      subject_type: 'report',
      subject_id: VOIDED_REPORT_ID,
      report_id: VOIDED_REPORT_ID,
      patient_id: null,
    });
  });

  it('ReportAccessed: an access granted, from the receipt (its patient’s hospital looked up in SQL)', () => {
    const rows = rowsOf(V2_EVENTS.ReportAccessed);

    expect(rows.accesses).toEqual([
      {
        tx_id: tx(PLACES.reportAccessed),
        block_number: '16',
        at: at(PLACES.reportAccessed),
        outcome: 'granted',
        refusal_code: null,
        report_id: REPORT_ID,
        patient_id: patient.uid,
        actor_id: otherDoctor.uid,
        actor_role: 'doctor',
        actor_msp_id: HOSPITAL_B,
        basis: 'grant',
        grant_id: GRANT_ID,
        grantee_kind: 'doctor',
        purpose_of_use: 'TREAT',
      },
    ]);
    expect(rows.events).toEqual([
      {
        ...timelineOf(V2_EVENTS.ReportAccessed, otherDoctor),
        patient_id: patient.uid,
        patient_msp_id: null,
        report_id: REPORT_ID,
        subject_type: 'receipt',
        subject_id: tx(PLACES.reportAccessed),
        other_msp_id: null,
        purpose_of_use: 'TREAT',
        outcome: 'granted',
        refusal_code: null,
      },
    ]);
  });

  it('ReportAccessRefused: an access refused, from the refusal, with its code and the grant that ended', () => {
    const rows = rowsOf(V2_EVENTS.ReportAccessRefused);

    expect(rows.accesses).toEqual([
      {
        tx_id: tx(PLACES.reportAccessRefused),
        block_number: '18',
        at: at(PLACES.reportAccessRefused),
        outcome: 'refused',
        refusal_code: 'GRANT_REVOKED',
        report_id: REPORT_ID,
        patient_id: patient.uid,
        actor_id: otherDoctor.uid,
        actor_role: 'doctor',
        actor_msp_id: HOSPITAL_B,
        basis: null,
        grant_id: GRANT_ID,
        grantee_kind: null,
        purpose_of_use: 'TREAT',
      },
    ]);
    expect(rows.events[0]).toMatchObject({
      subject_type: 'refusal',
      subject_id: tx(PLACES.reportAccessRefused),
      report_id: REPORT_ID,
      outcome: 'refused',
      refusal_code: 'GRANT_REVOKED',
    });
  });

  it('AccessRequested: the pending request; the asking doctor is the actor, so no other hospital', () => {
    const rows = rowsOf(V2_EVENTS.AccessRequested);

    expect(rows.requests).toEqual([
      {
        request_id: REQUEST_ID,
        patient_id: patient.uid,
        patient_msp_id: HOSPITAL_A,
        doctor_id: otherDoctor.uid,
        doctor_msp_id: HOSPITAL_B,
        report_ids: [REPORT_ID],
        duration_days: 30,
        purpose_of_use: 'TREAT',
        reason_commitment: 'c'.repeat(64),
        status: 'pending',
        requested_at: at(PLACES.accessRequested),
        decided_at: null,
        grant_id: null,
        block_number: '14',
        tx_id: tx(PLACES.accessRequested),
        last_block_number: '14',
        last_tx_id: tx(PLACES.accessRequested),
      },
    ]);
    expect(rows.events[0]).toMatchObject({
      ...timelineOf(V2_EVENTS.AccessRequested, otherDoctor),
      subject_type: 'request',
      subject_id: REQUEST_ID,
      patient_id: patient.uid,
      patient_msp_id: HOSPITAL_A,
      other_msp_id: null,
      purpose_of_use: 'TREAT',
    });
  });

  it('RequestApproved: the request approved (a later version of it) and the grant it created; the grantee’s hospital', () => {
    const rows = rowsOf(V2_EVENTS.RequestApproved);

    expect(rows.requests).toEqual([
      expect.objectContaining({
        request_id: REQUEST_ID,
        status: 'approved',
        decided_at: at(PLACES.requestApproved),
        grant_id: GRANT_ID,
        // Created by another transaction, not in this batch.
        block_number: null,
        tx_id: tx(PLACES.accessRequested),
        last_block_number: '15',
        last_tx_id: tx(PLACES.requestApproved),
      }),
    ]);
    expect(rows.grants).toEqual([
      {
        grant_id: GRANT_ID,
        kind: 'consent',
        patient_id: patient.uid,
        patient_msp_id: HOSPITAL_A,
        grantee_kind: 'doctor',
        doctor_id: otherDoctor.uid,
        doctor_msp_id: HOSPITAL_B,
        grantee_msp_id: null,
        report_ids: [REPORT_ID],
        purpose_of_use: 'TREAT',
        valid_from: at(PLACES.requestApproved),
        expires_at: '2026-12-21T10:00:00.000Z',
        status: 'active',
        revoked_at: null,
        request_id: REQUEST_ID,
        justification_commitment: null,
        reviewed: null,
        review_outcome: null,
        reviewed_by: null,
        reviewed_at: null,
        block_number: '15',
        tx_id: tx(PLACES.requestApproved),
        last_block_number: '15',
        last_tx_id: tx(PLACES.requestApproved),
      },
    ]);
    expect(rows.events[0]).toMatchObject({
      ...timelineOf(V2_EVENTS.RequestApproved, patient),
      subject_type: 'request',
      subject_id: REQUEST_ID,
      patient_msp_id: HOSPITAL_A,
      other_msp_id: HOSPITAL_B,
      purpose_of_use: 'TREAT',
    });
  });

  it.each([
    ['RequestDenied', DENIED_REQUEST_ID, 'denied', patient, HOSPITAL_B],
    ['RequestCancelled', CANCELLED_REQUEST_ID, 'cancelled', otherDoctor, null],
  ] as const)(
    '%s: the request decided, the other hospital when the actor is not of it',
    (name, id, status, actor, other) => {
      const rows = rowsOf(V2_EVENTS[name]);

      expect(rows.requests).toEqual([expect.objectContaining({ request_id: id, status, block_number: null })]);
      expect(rows.events[0]).toMatchObject({
        ...timelineOf(V2_EVENTS[name], actor),
        subject_type: 'request',
        subject_id: id,
        other_msp_id: other,
      });
    },
  );

  it('AccessGranted of a hospital grant: the grantee hospital is the other hospital', () => {
    const rows = rowsOf(V2_EVENTS.AccessGranted);

    expect(rows.grants).toEqual([
      expect.objectContaining({
        grant_id: HOSPITAL_GRANT_ID,
        grantee_kind: 'hospital',
        doctor_id: null,
        grantee_msp_id: HOSPITAL_B,
        report_ids: null,
        block_number: '25',
      }),
    ]);
    expect(rows.events[0]).toMatchObject({
      subject_type: 'grant',
      subject_id: HOSPITAL_GRANT_ID,
      other_msp_id: HOSPITAL_B,
      purpose_of_use: 'CAREMGT',
    });
  });

  it('GrantRevoked: the grant’s new version, still naming its creating transaction', () => {
    const rows = rowsOf(V2_EVENTS.GrantRevoked);

    expect(rows.grants).toEqual([
      expect.objectContaining({
        grant_id: GRANT_ID,
        status: 'revoked',
        revoked_at: at(PLACES.grantRevoked),
        block_number: null,
        tx_id: tx(PLACES.requestApproved),
        last_block_number: '17',
        last_tx_id: tx(PLACES.grantRevoked),
      }),
    ]);
    expect(rows.events[0]).toMatchObject({ subject_type: 'grant', subject_id: GRANT_ID, other_msp_id: HOSPITAL_B });
  });

  it('EmergencyDeclared: the emergency grant; the declaring doctor is its grantee', () => {
    const rows = rowsOf(V2_EVENTS.EmergencyDeclared);

    expect(rows.grants).toEqual([
      expect.objectContaining({ grant_id: EMERGENCY_GRANT_ID, kind: 'emergency', reviewed: false, block_number: '19' }),
    ]);
    expect(rows.events[0]).toMatchObject({
      subject_type: 'grant',
      subject_id: EMERGENCY_GRANT_ID,
      other_msp_id: null,
      purpose_of_use: 'ETREAT',
    });
  });

  it('EmergencyReviewed: the review on the grant, and its outcome on the timeline', () => {
    const rows = rowsOf(V2_EVENTS.EmergencyReviewed);

    expect(rows.grants).toEqual([
      expect.objectContaining({
        grant_id: EMERGENCY_GRANT_ID,
        reviewed: true,
        review_outcome: 'appropriate',
        reviewed_by: auditor.uid,
        reviewed_at: at(PLACES.emergencyReviewed),
      }),
    ]);
    expect(rows.events[0]).toMatchObject({
      ...timelineOf(V2_EVENTS.EmergencyReviewed, auditor),
      outcome: 'appropriate',
      patient_msp_id: HOSPITAL_A,
    });
  });

  it.each([
    ['CareAssigned', null],
    ['CareEnded', PLACES.careEnded],
  ] as const)(
    '%s: the care assignment; the patient’s hospital is left to the lookup, the care team’s is the other',
    (name, ended) => {
      const rows = rowsOf(V2_EVENTS[name]);

      expect(rows.careAssignments).toEqual([
        {
          assignment_id: ASSIGNMENT_ID,
          patient_id: patient.uid,
          doctor_id: doctor.uid,
          hospital_msp_id: HOSPITAL_A,
          assigned_by: admin.uid,
          started_at: at(PLACES.careAssigned),
          ended_at: ended && at(ended),
          ended_by: ended && admin.uid,
          block_number: ended ? null : '12',
          tx_id: tx(PLACES.careAssigned),
          last_block_number: V2_EVENTS[name].blockNumber.toString(),
          last_tx_id: V2_EVENTS[name].transactionId,
        },
      ]);
      expect(rows.events[0]).toMatchObject({
        ...timelineOf(V2_EVENTS[name], admin),
        subject_type: 'care',
        subject_id: ASSIGNMENT_ID,
        patient_id: patient.uid,
        // Not in the care record: ProjectionRepository reads it from the patient's participant row.
        patient_msp_id: null,
        other_msp_id: HOSPITAL_A,
      });
    },
  );

  it('CareAssigned by another hospital: the patient’s hospital is never the assigning one, which is the other hospital', () => {
    // HospitalB's admin puts HospitalB's doctor in the care team of HospitalA's patient.
    const adminB = { id: 'ad000000-0000-4000-8000-00000000000b', role: 'admin', mspId: HOSPITAL_B };
    const care = {
      ...careRecord(PLACES.careAssigned),
      doctorId: otherDoctor.uid,
      hospitalMspId: HOSPITAL_B,
      assignedBy: adminB.id,
    };
    const event: LedgerEvent = {
      ...V2_EVENTS.CareAssigned,
      payload: { ...(V2_EVENTS.CareAssigned.payload as object), actor: adminB, records: { care } },
    };

    const rows = rowsOf(event);

    expect(rows.careAssignments).toEqual([
      expect.objectContaining({ assignment_id: ASSIGNMENT_ID, patient_id: patient.uid, hospital_msp_id: HOSPITAL_B }),
    ]);
    expect(rows.events).toEqual([
      expect.objectContaining({
        name: 'CareAssigned',
        actor_id: adminB.id,
        actor_msp_id: HOSPITAL_B,
        subject_type: 'care',
        subject_id: ASSIGNMENT_ID,
        patient_id: patient.uid,
        patient_msp_id: null,
        other_msp_id: HOSPITAL_B,
      }),
    ]);
  });

  it('PatientErased: the erasure, and the patient’s participant row marked erased', () => {
    const rows = rowsOf(V2_EVENTS.PatientErased);

    expect(rows.erasures).toEqual([
      {
        patient_id: patient.uid,
        erased_by: admin.uid,
        erased_by_msp_id: HOSPITAL_A,
        erased_at: at(PLACES.patientErased),
        block_number: '26',
        tx_id: tx(PLACES.patientErased),
      },
    ]);
    expect(rows.participants).toEqual([
      expect.objectContaining({
        uid: patient.uid,
        erased_at: at(PLACES.patientErased),
        block_number: null,
        tx_id: tx(PLACES.patientRegistered),
        last_block_number: '26',
      }),
    ]);
    expect(rows.events[0]).toMatchObject({
      subject_type: 'erasure',
      subject_id: patient.uid,
      patient_id: patient.uid,
      patient_msp_id: HOSPITAL_A,
    });
  });

  it('a signer without a uid (the API’s service identity) is an actor with no id', () => {
    const { care } = (V2_EVENTS.CareAssigned.payload as { records: { care: object } }).records;
    const event = v2Event(
      'CareAssigned',
      PLACES.careAssigned,
      { id: null, role: 'service', mspId: HOSPITAL_A },
      { care },
    );

    expect(rowsOf(event).events[0]).toMatchObject({ actor_id: null, actor_role: 'service', actor_msp_id: HOSPITAL_A });
  });

  describe('a batch', () => {
    const { rows, skipped } = projectionRowsOf(HISTORY);

    it('writes one row per record, its latest version, keeping the block that created it', () => {
      expect(rows.grants.map((row) => [row.grant_id, row.status, row.block_number, row.last_block_number])).toEqual([
        [GRANT_ID, 'revoked', '15', '17'],
        [EMERGENCY_GRANT_ID, 'active', '19', '20'],
        [HOSPITAL_GRANT_ID, 'active', '25', '25'],
      ]);
      expect(rows.grants[1].reviewed).toBe(true);
      expect(rows.requests.map((row) => [row.request_id, row.status, row.block_number, row.last_block_number])).toEqual(
        [
          [REQUEST_ID, 'approved', '14', '15'],
          [DENIED_REQUEST_ID, 'denied', null, '24'],
          [CANCELLED_REQUEST_ID, 'cancelled', null, '24'],
        ],
      );
      expect(rows.careAssignments).toEqual([
        expect.objectContaining({ ended_by: admin.uid, block_number: '12', last_block_number: '22' }),
      ]);
      expect(rows.participants.map((row) => [row.uid, row.erased_at, row.block_number, row.last_block_number])).toEqual(
        [
          [patient.uid, at(PLACES.patientErased), '10', '26'],
          [doctor.uid, null, '10', '10'],
          [otherDoctor.uid, null, '11', '11'],
        ],
      );
    });

    it('writes one timeline row per event but probes and legacy events, in ledger order', () => {
      const projected = HISTORY.filter(
        (event) => event.name !== 'ProbeRecorded' && (event.payload as { records?: unknown }).records !== undefined,
      );

      expect(rows.events.map((row) => row.tx_id)).toEqual(projected.map((event) => event.transactionId));
      expect(rows.accesses.map((row) => row.outcome)).toEqual(['granted', 'refused']);
      expect(rows.erasures).toHaveLength(1);
    });

    it('lists the events written before the v2 envelope, by transaction', () => {
      expect(skipped).toEqual([
        { transactionId: tx(PLACES.deniedRequestAsked), name: 'AccessRequested', reason: 'legacy' },
        { transactionId: tx(PLACES.cancelledRequestAsked), name: 'AccessRequested', reason: 'legacy' },
      ]);
    });
  });

  describe('events it leaves out', () => {
    it.each([
      ['IDs only (before the v2 envelope)', { reportId: REPORT_ID, patientId: patient.uid }],
      ['records but no time', { reportId: REPORT_ID, records: {} }],
      ['a time but no records', { reportId: REPORT_ID, at: at(PLACES.reportRecorded) }],
      ['no object at all', null],
    ])('an event with %s: skipped as legacy, nothing written', (_what, payload) => {
      const event = { ...V2_EVENTS.ReportRecorded, payload };

      const { rows, skipped } = projectionRowsOf([event]);

      expect(counts(rows)).toEqual({});
      expect(skipped).toEqual([{ transactionId: event.transactionId, name: 'ReportRecorded', reason: 'legacy' }]);
    });

    it.each([
      ['with the v2 envelope', V2_EVENTS.ProbeRecorded],
      ['before it', legacyEvent('ProbeRecorded', PLACES.probeRecorded, { probeId: 'probe-1' })],
    ])('a probe %s: nothing written, without a word', (_when, probe) => {
      const { rows, skipped } = projectionRowsOf([probe]);

      expect(counts(rows)).toEqual({});
      expect(skipped).toEqual([]);
    });

    it('an envelope whose record has a field of the wrong type: skipped whole, naming the field and not its value', () => {
      const payload = V2_EVENTS.RequestApproved.payload as { records: { grant: object; request: object } };
      const event = {
        ...V2_EVENTS.RequestApproved,
        payload: {
          ...payload,
          records: { ...payload.records, grant: { ...payload.records.grant, patientId: 'Mrs Q' } },
        },
      };

      const { rows, skipped } = projectionRowsOf([event]);

      expect(counts(rows)).toEqual({});
      expect(skipped).toEqual([
        {
          transactionId: event.transactionId,
          name: 'RequestApproved',
          reason: 'invalid',
          fields: ['records.grant.patientId'],
        },
      ]);
      expect(JSON.stringify(skipped)).not.toContain('Mrs Q');
    });

    it.each([
      ['a NUL character in a text', { cid: 'bafy\u0000' }, 'records.report.cid'],
      ['a time PostgreSQL may read otherwise', { recordedAt: '2026-W47-6' }, 'records.report.recordedAt'],
      ['a size that is no integer', { size: '5120' }, 'records.report.size'],
    ])('an envelope with %s: skipped, naming the field', (_what, change, field) => {
      const payload = V2_EVENTS.ReportRecorded.payload as { records: { report: object } };
      const event = {
        ...V2_EVENTS.ReportRecorded,
        payload: { ...payload, records: { report: { ...payload.records.report, ...change } } },
      };

      expect(projectionRowsOf([event]).skipped).toEqual([
        { transactionId: event.transactionId, name: 'ReportRecorded', reason: 'invalid', fields: [field] },
      ]);
    });

    it('an envelope without the record its event is about: skipped, naming the record', () => {
      const event = v2Event('GrantRevoked', PLACES.grantRevoked, patient, {});

      expect(projectionRowsOf([event]).skipped).toEqual([
        { transactionId: event.transactionId, name: 'GrantRevoked', reason: 'invalid', fields: ['records.grant'] },
      ]);
    });

    it('an envelope with an invalid actor or time: skipped, naming them', () => {
      const event = {
        ...V2_EVENTS.CareAssigned,
        payload: { ...(V2_EVENTS.CareAssigned.payload as object), at: 'yesterday', actor: { id: 'admin' } },
      };

      expect(projectionRowsOf([event]).skipped[0].fields).toEqual(['at', 'actor.id', 'actor.role', 'actor.mspId']);
    });

    it('an event of a name it does not know: skipped', () => {
      const event = v2Event('SomethingNew', PLACES.careAssigned, admin, {
        care: (V2_EVENTS.CareAssigned.payload as { records: { care: object } }).records.care,
      });

      const { rows, skipped } = projectionRowsOf([event]);

      expect(counts(rows)).toEqual({});
      expect(skipped).toEqual([{ transactionId: event.transactionId, name: 'SomethingNew', reason: 'unknown' }]);
    });

    it('the other events of the batch are written', () => {
      const legacy = legacyEvent('ReportRecorded', { block: 9n, tx: 'legacy-report' }, { reportId: REPORT_ID });

      const { rows, skipped } = projectionRowsOf([legacy, V2_EVENTS.ReportAccessed]);

      expect(skipped).toHaveLength(1);
      expect(counts(rows)).toEqual({ accesses: 1, events: 1 });
    });
  });
});
