import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContract } from '../ledger-contract';
import { StateBatch } from '../peer-batching';
import { activeCareAssignment } from '../care/care-lookup';
import { canonicalJson } from '../canonical-json';
import { conflict, forbidden, invalidArgument, notFound } from '../errors';
import { emitEvent, exists, putIndex, putRecord, readIndexed, readIndexPage, requireRecord } from '../ledger-state';
import { Participant } from '../participants/participant';
import {
  AuditReader,
  requireAuditReader,
  requireCaller,
  requireHospital,
  requireParty,
} from '../participants/participant-lookup';
import { requireReportsOfPatient } from '../reports/report-lookup';
import { transactionTime } from '../transaction-context';
import {
  parseReportIdsArgument,
  requireCommitmentHex,
  requireIntegerText,
  requireMspId,
  requireOneOf,
  requireUuid,
} from '../validation';
import { AccessRequest, REQUEST_BY_DOCTOR, REQUEST_BY_PATIENT, REQUEST_OBJECT_TYPE } from './access-request';
import {
  EMERGENCY_HOURS,
  Grant,
  GRANT_BY_DOCTOR,
  GRANT_BY_HOSPITAL,
  GRANT_BY_PATIENT,
  GRANT_EMERGENCY,
  GRANT_MINUTES,
  GRANTEE_KINDS,
  granteeOf,
  HOUR_MS,
  MINUTE_MS,
  ORGANISATION_GRANTEE_KINDS,
  REQUEST_DAYS,
  REVIEW_OUTCOMES,
} from './grant';
import { listedKey, pairListKey } from './grant-lists';
import { grantKey, grantsOfPair, grantStateAt, grantView, putGrant, requireNoEmergencyInForce } from './grant-rules';
import { EMERGENCY_PURPOSE, requireConsentPurpose } from './purpose-of-use';

/**
 * Consent: doctors ask, patients grant (to one doctor, to a hospital as a whole, or to the
 * care team of a hospital) for a purpose of use, limit in time, and revoke; in
 * an emergency a doctor breaks the glass for at most 24 hours (one emergency grant per
 * patient at a time), and an auditor reviews it afterwards. Texts (reasons,
 * justifications, the auditor's note) stay off-chain; the ledger holds keyed commitments
 * to the first two and nothing of the note. Events carry IDs, codes and times only.
 */
@Info({ title: 'ConsentContract', description: 'Access requests, grants, revocations and emergency access' })
export class ConsentContract extends LedgerContract {
  constructor() {
    super('consent');
  }

  /**
   * A doctor asks a patient for access to the reports listed in `reportIdsJson` (a JSON
   * array of report IDs, or `null` for all) for `durationDays` days (1 to 365), for
   * `purposeOfUse` (an HL7 PurposeOfUse code other than ETREAT, see purpose-of-use.ts). The
   * reason's text stays off-chain: `reasonCommitment` is its HMAC-SHA-256 under a key kept
   * off-chain, as 64 lower-case hex digits. Returns the pending request.
   */
  @Transaction()
  @Returns('string')
  async RequestAccess(
    ctx: Context,
    requestId: string,
    patientId: string,
    reportIdsJson: string,
    durationDays: string,
    purposeOfUse: string,
    reasonCommitment: string,
  ): Promise<string> {
    const doctor = await requireCaller(ctx, 'request access', ['doctor']);
    requireUuid(requestId, 'requestId');
    const reportIds = parseReportIdsArgument(reportIdsJson, 'reportIds');
    const days = requireIntegerText(durationDays, 'durationDays', REQUEST_DAYS.min, REQUEST_DAYS.max);
    const purpose = requireConsentPurpose(purposeOfUse, 'purposeOfUse');
    requireCommitmentHex(reasonCommitment, 'reasonCommitment');
    const patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    await requireReportsOfPatient(ctx, patient.uid, reportIds);
    const key = requestKey(ctx, requestId);
    if (await exists(ctx, key)) throw conflict(`access request ${requestId} already exists`);
    const request = AccessRequest.create({
      requestId,
      patientId: patient.uid,
      patientMspId: patient.mspId,
      doctorId: doctor.uid,
      doctorMspId: doctor.mspId,
      reportIds,
      durationDays: days,
      purposeOfUse: purpose,
      reasonCommitment,
      status: 'pending',
      requestedAt: transactionTime(ctx),
      decidedAt: null,
      grantId: null,
      txId: ctx.stub.getTxID(),
    });
    await putRecord(ctx, key, request);
    await putIndex(ctx, REQUEST_BY_PATIENT, [request.patientId, request.requestedAt, requestId]);
    await putIndex(ctx, REQUEST_BY_DOCTOR, [request.doctorId, request.requestedAt, requestId]);
    emitEvent(
      ctx,
      'AccessRequested',
      { requestId, patientId: request.patientId, doctorId: request.doctorId, purposeOfUse: request.purposeOfUse },
      { request },
    );
    return canonicalJson(request);
  }

  /**
   * The patient addressed approves a pending request, choosing the scope (`reportIdsJson`)
   * and `durationMinutes` (5 minutes to 365 days) of the consent grant `grantId` that it
   * creates from now, for the request's purpose of use, and its grantee (`granteeKind`):
   * the requesting `doctor`, or the requesting doctor's hospital as a whole (`hospital`) or
   * its `care-team` of the patient. The request's `durationDays` is the doctor's ask, not a
   * bound. Returns `{grant, request}`.
   */
  @Transaction()
  @Returns('string')
  async ApproveRequest(
    ctx: Context,
    requestId: string,
    grantId: string,
    reportIdsJson: string,
    durationMinutes: string,
    granteeKind: string,
  ): Promise<string> {
    const patient = await requireCaller(ctx, 'approve requests', ['patient']);
    const request = await pendingRequestOf(ctx, requestId, (found) => found.patientId === patient.uid);
    requireUuid(grantId, 'grantId');
    const reportIds = parseReportIdsArgument(reportIdsJson, 'reportIds');
    const minutes = requireIntegerText(durationMinutes, 'durationMinutes', GRANT_MINUTES.min, GRANT_MINUTES.max);
    const kind = requireOneOf(granteeKind, 'granteeKind', GRANTEE_KINDS);
    await requireReportsOfPatient(ctx, patient.uid, reportIds);
    const now = transactionTime(ctx);
    const grant = await writeGrant(ctx, {
      grantId,
      kind: 'consent',
      patient,
      ...(kind === 'doctor'
        ? { granteeKind: kind, doctorId: request.doctorId, doctorMspId: request.doctorMspId, granteeMspId: null }
        : { granteeKind: kind, doctorId: null, doctorMspId: null, granteeMspId: request.doctorMspId }),
      reportIds,
      purposeOfUse: request.purposeOfUse,
      expiresAt: later(now, minutes * MINUTE_MS),
      requestId,
      justificationCommitment: null,
    });
    const approved = AccessRequest.create({ ...request, status: 'approved', decidedAt: now, grantId });
    await putRecord(ctx, requestKey(ctx, requestId), approved);
    // The requesting doctor hears of the decision whoever the grant lets in (an organisation grant names no doctor).
    emitEvent(
      ctx,
      'RequestApproved',
      { requestId, requesterId: request.doctorId, ...grantEvent(grant) },
      { request: approved, grant },
    );
    return canonicalJson({ grant, request: approved });
  }

  /** The patient addressed denies a pending request. Returns the request. */
  @Transaction()
  @Returns('string')
  async DenyRequest(ctx: Context, requestId: string): Promise<string> {
    const patient = await requireCaller(ctx, 'deny requests', ['patient']);
    const request = await pendingRequestOf(ctx, requestId, (found) => found.patientId === patient.uid);
    const denied = AccessRequest.create({ ...request, status: 'denied', decidedAt: transactionTime(ctx) });
    await putRecord(ctx, requestKey(ctx, requestId), denied);
    emitEvent(
      ctx,
      'RequestDenied',
      { requestId, patientId: request.patientId, doctorId: request.doctorId },
      { request: denied },
    );
    return canonicalJson(denied);
  }

  /** The requesting doctor withdraws a request while it is pending. Returns the request. */
  @Transaction()
  @Returns('string')
  async CancelRequest(ctx: Context, requestId: string): Promise<string> {
    const doctor = await requireCaller(ctx, 'cancel requests', ['doctor']);
    const request = await pendingRequestOf(ctx, requestId, (found) => found.doctorId === doctor.uid);
    const cancelled = AccessRequest.create({ ...request, status: 'cancelled', decidedAt: transactionTime(ctx) });
    await putRecord(ctx, requestKey(ctx, requestId), cancelled);
    emitEvent(
      ctx,
      'RequestCancelled',
      { requestId, patientId: request.patientId, doctorId: request.doctorId },
      { request: cancelled },
    );
    return canonicalJson(cancelled);
  }

  /**
   * The calling patient grants a doctor access to the reports in `reportIdsJson` (JSON
   * array, or `null` for all) for `durationMinutes` minutes from now (5 minutes to 365 days),
   * for `purposeOfUse` (an HL7 PurposeOfUse code other than ETREAT), without a request.
   * Returns the grant.
   */
  @Transaction()
  @Returns('string')
  async GrantAccess(
    ctx: Context,
    grantId: string,
    doctorId: string,
    reportIdsJson: string,
    durationMinutes: string,
    purposeOfUse: string,
  ): Promise<string> {
    const patient = await requireCaller(ctx, 'grant access', ['patient']);
    requireUuid(grantId, 'grantId');
    const terms = directGrantTerms(reportIdsJson, durationMinutes, purposeOfUse);
    const doctor = await requireParty(ctx, doctorId, 'doctorId', 'doctor');
    return writeDirectGrant(ctx, grantId, patient, doctorGrantee(doctor), terms);
  }

  /**
   * The calling patient grants a hospital access to the reports in `reportIdsJson` (JSON
   * array, or `null` for all) for `durationMinutes` minutes from now (5 minutes to 365
   * days), for `purposeOfUse` (an HL7 PurposeOfUse code other than ETREAT): with
   * `granteeKind` `hospital`, every doctor of the hospital `granteeMspId`; with `care-team`,
   * the doctors that hospital has assigned to the patient at the time of each opening
   * (assigned before or after the grant). `granteeMspId` must be a hospital some
   * participant registered from (NOT_FOUND otherwise). Emits `AccessGranted`. Returns the
   * grant.
   */
  @Transaction()
  @Returns('string')
  async GrantOrganisationAccess(
    ctx: Context,
    grantId: string,
    granteeKind: string,
    granteeMspId: string,
    reportIdsJson: string,
    durationMinutes: string,
    purposeOfUse: string,
  ): Promise<string> {
    const patient = await requireCaller(ctx, 'grant access', ['patient']);
    requireUuid(grantId, 'grantId');
    const kind = requireOneOf(granteeKind, 'granteeKind', ORGANISATION_GRANTEE_KINDS);
    const terms = directGrantTerms(reportIdsJson, durationMinutes, purposeOfUse);
    const hospital = await requireHospital(ctx, granteeMspId, 'granteeMspId');
    const grantee = { granteeKind: kind, doctorId: null, doctorMspId: null, granteeMspId: hospital };
    return writeDirectGrant(ctx, grantId, patient, grantee, terms);
  }

  /**
   * The grant's patient revokes it, whoever its grantee; every transaction after this one
   * is refused under it (GRANT_REVOKED). Revoking a revoked or expired grant is a CONFLICT.
   * Returns the grant.
   */
  @Transaction()
  @Returns('string')
  async RevokeGrant(ctx: Context, grantId: string): Promise<string> {
    const patient = await requireCaller(ctx, 'revoke grants', ['patient']);
    const key = grantKey(ctx, requireUuid(grantId, 'grantId'));
    const grant = await requireRecord(ctx, key, Grant.fromState, `grant ${grantId}`);
    if (grant.patientId !== patient.uid) throw forbidden(`grant ${grantId} is another patient's`);
    const now = transactionTime(ctx);
    const state = grantStateAt(grant, now);
    if (state === 'revoked' || state === 'expired') throw conflict(`grant ${grantId} is already ${state}`);
    const revoked = Grant.create({ ...grant, status: 'revoked', revokedAt: now });
    await putGrant(ctx, revoked, false);
    emitEvent(ctx, 'GrantRevoked', grantEvent(revoked), { grant: revoked });
    return canonicalJson(revoked);
  }

  /**
   * Break glass: the calling doctor opens all of a patient's reports for `hours` hours
   * (1 to 24) from now, for emergency treatment (purpose of use ETREAT), on a justification
   * whose text stays off-chain: `justificationCommitment` is its HMAC-SHA-256 under a key
   * kept off-chain, as 64 lower-case hex digits. The grant is of kind `emergency`, flagged
   * unreviewed until an auditor reviews it. EMERGENCY_ACTIVE while the caller holds an
   * emergency grant for this patient that has neither expired nor been revoked.
   * Returns the grant.
   */
  @Transaction()
  @Returns('string')
  async DeclareEmergency(
    ctx: Context,
    grantId: string,
    patientId: string,
    justificationCommitment: string,
    hours: string,
  ): Promise<string> {
    const doctor = await requireCaller(ctx, 'declare an emergency', ['doctor']);
    requireUuid(grantId, 'grantId');
    requireCommitmentHex(justificationCommitment, 'justificationCommitment');
    const duration = requireIntegerText(hours, 'hours', EMERGENCY_HOURS.min, EMERGENCY_HOURS.max);
    const patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    const now = transactionTime(ctx);
    // The pair's grants (its list, see grant-lists), fetched in one message with the mark
    // and the grant ID that writeGrant reads. Each declaration rewrites the list it read
    // (or, for a patient not listed yet, writes the mark it read absent and a copy in the
    // range it read), so of two declarations endorsed side by side only the first to commit
    // stays valid (the other fails with a read conflict), and the rule holds on the
    // committed ledger.
    await StateBatch.prefetch(ctx, [
      listedKey(ctx, patient.uid),
      pairListKey(ctx, patient.uid, doctor.uid),
      grantKey(ctx, grantId),
    ]);
    requireNoEmergencyInForce(await grantsOfPair(ctx, patient.uid, doctor.uid), now);
    const grant = await writeGrant(ctx, {
      grantId,
      kind: 'emergency',
      patient,
      ...doctorGrantee(doctor),
      reportIds: null,
      purposeOfUse: EMERGENCY_PURPOSE,
      expiresAt: later(now, duration * HOUR_MS),
      requestId: null,
      justificationCommitment,
    });
    emitEvent(ctx, 'EmergencyDeclared', grantEvent(grant), { grant });
    return canonicalJson(grant);
  }

  /**
   * An auditor reviews an emergency grant (once), finding it `appropriate` or
   * `inappropriate` (`outcome`). The auditor's note stays off-chain, and nothing of it
   * reaches the ledger. Returns the grant.
   */
  @Transaction()
  @Returns('string')
  async ReviewEmergency(ctx: Context, grantId: string, outcome: string): Promise<string> {
    const auditor = await requireCaller(ctx, 'review emergencies', ['auditor']);
    const key = grantKey(ctx, requireUuid(grantId, 'grantId'));
    const reviewOutcome = requireOneOf(outcome, 'outcome', REVIEW_OUTCOMES);
    const grant = await requireRecord(ctx, key, Grant.fromState, `grant ${grantId}`);
    if (grant.kind !== 'emergency') throw invalidArgument(`grant ${grantId} is not an emergency grant`);
    if (!grantInvolvesHospital(grant, auditor.mspId)) {
      throw forbidden(`emergency grant ${grantId} involves neither the auditor's hospital's patient nor its doctor`);
    }
    if (grant.reviewed) throw conflict(`emergency grant ${grantId} is already reviewed`);
    const reviewed = Grant.create({
      ...grant,
      reviewed: true,
      reviewOutcome,
      reviewedBy: auditor.uid,
      reviewedAt: transactionTime(ctx),
    });
    await putGrant(ctx, reviewed, false);
    emitEvent(
      ctx,
      'EmergencyReviewed',
      { grantId, patientId: grant.patientId, doctorId: grant.doctorId, auditorId: auditor.uid, outcome: reviewOutcome },
      { grant: reviewed },
    );
    return canonicalJson(reviewed);
  }

  /**
   * One request, for its patient, its doctor and the auditors of either one's hospital;
   * NOT_FOUND for anyone else.
   */
  @Transaction(false)
  @Returns('string')
  async GetRequest(ctx: Context, requestId: string): Promise<string> {
    const caller = await requireCaller(ctx, 'read requests', ['patient', 'doctor', 'auditor', 'admin']);
    const key = requestKey(ctx, requireUuid(requestId, 'requestId'));
    const request = await requireRecord(ctx, key, AccessRequest.fromState, `access request ${requestId}`);
    if (!requestConcerns(caller, request)) throw notFound(`access request ${requestId} does not exist`);
    return canonicalJson(request);
  }

  /**
   * Requests addressed to a patient, oldest first: the patient, and the auditors and the
   * API's service identity (see requireAuditReader) of the patient's hospital. Answers
   * `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListRequestsByPatient(ctx: Context, patientId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireAuditReader(ctx, 'list requests', ['patient', 'auditor']);
    const patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    requireSelfOrAuditor(caller, patient);
    return canonicalJson(await requestsFromIndex(ctx, REQUEST_BY_PATIENT, patient.uid, pageSize, bookmark));
  }

  /**
   * Requests a doctor made, oldest first: the doctor and the auditors of the doctor's
   * hospital. Answers `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListRequestsByDoctor(ctx: Context, doctorId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list requests', ['doctor', 'auditor']);
    const doctor = await requireParty(ctx, doctorId, 'doctorId', 'doctor');
    requireSelfOrAuditor(caller, doctor);
    return canonicalJson(await requestsFromIndex(ctx, REQUEST_BY_DOCTOR, doctor.uid, pageSize, bookmark));
  }

  /**
   * One grant with its `effectiveStatus` at the query's time (active, expired, revoked),
   * for its patient; its grantee: the doctor, any doctor of the grantee hospital for a
   * grant to it as a whole, and for a grant to its care team only the doctors that
   * hospital has assigned to the patient (an active care assignment now); and the
   * auditors of the patient's or the grantee's hospital. NOT_FOUND for anyone else.
   */
  @Transaction(false)
  @Returns('string')
  async GetGrant(ctx: Context, grantId: string): Promise<string> {
    const caller = await requireCaller(ctx, 'read grants', ['patient', 'doctor', 'auditor', 'admin']);
    const key = grantKey(ctx, requireUuid(grantId, 'grantId'));
    const grant = await requireRecord(ctx, key, Grant.fromState, `grant ${grantId}`);
    if (!(await grantConcerns(ctx, caller, grant))) throw notFound(`grant ${grantId} does not exist`);
    return canonicalJson(grantView(grant, transactionTime(ctx)));
  }

  /**
   * Grants a patient gave (both kinds, to every kind of grantee), oldest first: the
   * patient, and the auditors and the API's service identity (see requireAuditReader) of
   * the patient's hospital. Answers `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListGrantsByPatient(ctx: Context, patientId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireAuditReader(ctx, 'list grants', ['patient', 'auditor']);
    const patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    requireSelfOrAuditor(caller, patient);
    return canonicalJson(await grantsFromIndex(ctx, GRANT_BY_PATIENT, [patient.uid], pageSize, bookmark));
  }

  /**
   * Grants a doctor holds in their own name (both kinds), oldest first: the doctor and the
   * auditors of the doctor's hospital; grants to the doctor's hospital or care team are
   * in ListGrantsByHospital. Answers `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListGrantsByDoctor(ctx: Context, doctorId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list grants', ['doctor', 'auditor']);
    const doctor = await requireParty(ctx, doctorId, 'doctorId', 'doctor');
    requireSelfOrAuditor(caller, doctor);
    return canonicalJson(await grantsFromIndex(ctx, GRANT_BY_DOCTOR, [doctor.uid], pageSize, bookmark));
  }

  /**
   * Grants to the hospital `mspId` as a whole or to its care teams, oldest first, each
   * with its `effectiveStatus`: doctors and auditors of that hospital only (FORBIDDEN
   * otherwise). An auditor sees them all; a doctor every grant to the hospital as a whole,
   * but a grant to its care team of a patient only while in that team (an active care
   * assignment by the hospital for the grant's patient), so that the list reveals no
   * patient treated there to the hospital's other doctors: a doctor's page may then hold
   * fewer than `pageSize` items (follow `nextBookmark` until it is null). Answers
   * `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListGrantsByHospital(ctx: Context, mspId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list grants', ['doctor', 'auditor']);
    requireMspId(mspId, 'mspId');
    if (caller.mspId !== mspId) throw forbidden(`a ${caller.role} lists only the grants to their own hospital`);
    if (caller.role === 'auditor') {
      return canonicalJson(await grantsFromIndex(ctx, GRANT_BY_HOSPITAL, [mspId], pageSize, bookmark));
    }
    // The caller's care pointer (and assignment) for each patient of the page, read once.
    const inTeamOf = new Map<string, boolean>();
    const visible = async (grant: Grant): Promise<boolean> => {
      if (grant.granteeKind !== 'care-team') return true;
      let inTeam = inTeamOf.get(grant.patientId);
      if (inTeam === undefined) {
        inTeam = await isInCareTeam(ctx, caller, grant);
        inTeamOf.set(grant.patientId, inTeam);
      }
      return inTeam;
    };
    return canonicalJson(await grantsFromIndex(ctx, GRANT_BY_HOSPITAL, [mspId], pageSize, bookmark, visible));
  }

  /**
   * Emergency grants, oldest first, reviewed or not: auditors only, each seeing those whose
   * patient or doctor is of the auditor's own hospital (so a page may hold fewer than
   * `pageSize` items: follow `nextBookmark` until it is null). Answers `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListEmergencyGrants(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    const auditor = await requireCaller(ctx, 'list emergencies', ['auditor']);
    return canonicalJson(
      await grantsFromIndex(ctx, GRANT_EMERGENCY, [], pageSize, bookmark, (grant) =>
        grantInvolvesHospital(grant, auditor.mspId),
      ),
    );
  }
}

function requestKey(ctx: Context, requestId: string): string {
  return ctx.stub.createCompositeKey(REQUEST_OBJECT_TYPE, [requestId]);
}

const later = (time: string, millis: number): string => new Date(Date.parse(time) + millis).toISOString();

/**
 * The payload of an event that creates or changes a grant: its IDs, kind, grantee (the
 * doctor, or `doctorId` null and the grantee hospital), purpose and terms in time, which
 * the API's notification listener reads (its expiry reminders need both ends). IDs,
 * codes and times only, like every event.
 */
const grantEvent = (grant: Grant) => ({
  grantId: grant.grantId,
  patientId: grant.patientId,
  doctorId: grant.doctorId,
  granteeKind: grant.granteeKind,
  granteeMspId: grant.granteeMspId,
  kind: grant.kind,
  purposeOfUse: grant.purposeOfUse,
  validFrom: grant.validFrom,
  expiresAt: grant.expiresAt,
});

/** A request that `isParty` says the caller may decide, still pending (CONFLICT otherwise). */
async function pendingRequestOf(
  ctx: Context,
  requestId: string,
  isParty: (request: AccessRequest) => boolean,
): Promise<AccessRequest> {
  const key = requestKey(ctx, requireUuid(requestId, 'requestId'));
  const request = await requireRecord(ctx, key, AccessRequest.fromState, `access request ${requestId}`);
  if (!isParty(request)) throw forbidden(`access request ${requestId} is not the caller's to decide`);
  if (request.status !== 'pending') throw conflict(`access request ${requestId} is already ${request.status}`);
  return request;
}

/** The grantee fields of a grant to one doctor. */
/** The terms a patient states for a grant without a request: scope, whole minutes from now, purpose. */
function directGrantTerms(reportIdsJson: string, durationMinutes: string, purposeOfUse: string) {
  return {
    reportIds: parseReportIdsArgument(reportIdsJson, 'reportIds'),
    minutes: requireIntegerText(durationMinutes, 'durationMinutes', GRANT_MINUTES.min, GRANT_MINUTES.max),
    purposeOfUse: requireConsentPurpose(purposeOfUse, 'purposeOfUse'),
  };
}

/** A patient's grant without a request, to a doctor or an organisation: written, announced (AccessGranted), answered. */
async function writeDirectGrant(
  ctx: Context,
  grantId: string,
  patient: Participant,
  grantee: Pick<Grant, 'granteeKind' | 'doctorId' | 'doctorMspId' | 'granteeMspId'>,
  terms: ReturnType<typeof directGrantTerms>,
): Promise<string> {
  await requireReportsOfPatient(ctx, patient.uid, terms.reportIds);
  const grant = await writeGrant(ctx, {
    grantId,
    kind: 'consent',
    patient,
    ...grantee,
    reportIds: terms.reportIds,
    purposeOfUse: terms.purposeOfUse,
    expiresAt: later(transactionTime(ctx), terms.minutes * MINUTE_MS),
    requestId: null,
    justificationCommitment: null,
  });
  emitEvent(ctx, 'AccessGranted', grantEvent(grant), { grant });
  return canonicalJson(grant);
}

const doctorGrantee = (doctor: Participant) =>
  ({ granteeKind: 'doctor', doctorId: doctor.uid, doctorMspId: doctor.mspId, granteeMspId: null }) as const;

/** Writes a new grant from now with its copy and index entries; CONFLICT when the grant ID is taken. */
async function writeGrant(
  ctx: Context,
  terms: Pick<
    Grant,
    | 'grantId'
    | 'kind'
    | 'granteeKind'
    | 'doctorId'
    | 'doctorMspId'
    | 'granteeMspId'
    | 'reportIds'
    | 'purposeOfUse'
    | 'expiresAt'
    | 'requestId'
    | 'justificationCommitment'
  > & { patient: Participant },
): Promise<Grant> {
  const key = grantKey(ctx, terms.grantId);
  if (await exists(ctx, key)) throw conflict(`grant ${terms.grantId} already exists`);
  const emergency = terms.kind === 'emergency';
  const grant = Grant.create({
    grantId: terms.grantId,
    kind: terms.kind,
    patientId: terms.patient.uid,
    patientMspId: terms.patient.mspId,
    granteeKind: terms.granteeKind,
    doctorId: terms.doctorId,
    doctorMspId: terms.doctorMspId,
    granteeMspId: terms.granteeMspId,
    reportIds: terms.reportIds,
    purposeOfUse: terms.purposeOfUse,
    validFrom: transactionTime(ctx),
    expiresAt: terms.expiresAt,
    status: 'active',
    revokedAt: null,
    requestId: terms.requestId,
    justificationCommitment: terms.justificationCommitment,
    reviewed: emergency ? false : null,
    reviewOutcome: null,
    reviewedBy: null,
    reviewedAt: null,
    txId: ctx.stub.getTxID(),
  });
  await putGrant(ctx, grant, true);
  return grant;
}

/** Whether the caller may read a request: its patient, its doctor, or an auditor of either one's hospital. */
const requestConcerns = (caller: Participant, request: AccessRequest): boolean =>
  caller.uid === request.patientId ||
  caller.uid === request.doctorId ||
  (caller.role === 'auditor' && (request.patientMspId === caller.mspId || request.doctorMspId === caller.mspId));

/** Whether the patient's hospital or the grantee's (the doctor's, or the hospital granted) is `mspId`. */
const grantInvolvesHospital = (grant: Grant, mspId: string): boolean =>
  grant.patientMspId === mspId || granteeOf(grant).mspId === mspId;

/**
 * Whether the caller may read a grant: its patient; its doctor; for a grant to a hospital
 * as a whole any doctor of that hospital, for a grant to its care team a doctor in that
 * team (see isInCareTeam); or an auditor of the patient's or the grantee's hospital.
 */
async function grantConcerns(ctx: Context, caller: Participant, grant: Grant): Promise<boolean> {
  if (caller.uid === grant.patientId) return true;
  if (caller.role === 'auditor') return grantInvolvesHospital(grant, caller.mspId);
  const grantee = granteeOf(grant);
  if (grantee.kind === 'doctor') return caller.uid === grantee.doctorId;
  if (caller.role !== 'doctor' || caller.mspId !== grantee.mspId) return false;
  return grantee.kind === 'hospital' || isInCareTeam(ctx, caller, grant);
}

/**
 * Whether a doctor is in the care team a grant names: holds an active care assignment
 * (the pointer, then the assignment) for the grant's patient, made by the grantee
 * hospital. Without it, a care-team grant is not the doctor's to see: it would tell them
 * who is treated at their hospital.
 */
async function isInCareTeam(ctx: Context, doctor: Participant, grant: Grant): Promise<boolean> {
  const assignment = await activeCareAssignment(ctx, grant.patientId, doctor.uid);
  return assignment !== null && assignment.hospitalMspId === grant.granteeMspId;
}

/** The caller lists `subject`'s records only as `subject`, or as an auditor of `subject`'s hospital. */
function requireSelfOrAuditor(caller: AuditReader, subject: Participant): void {
  if (caller.uid === subject.uid) return;
  if (caller.role === 'auditor') {
    if (caller.mspId === subject.mspId) return;
    throw forbidden(`${subject.role} ${subject.uid} belongs to another hospital than the auditor's`);
  }
  throw forbidden(`the records of ${subject.uid} are not the caller's to list`);
}

async function requestsFromIndex(ctx: Context, index: string, owner: string, pageSize: string, bookmark: string) {
  const page = await readIndexPage(ctx, index, [owner], pageSize, bookmark);
  const items: AccessRequest[] = [];
  for (const [, , requestId] of page.items) {
    items.push(await readIndexed(ctx, requestKey(ctx, requestId), AccessRequest.fromState));
  }
  return { items, nextBookmark: page.nextBookmark };
}

/** A page of grants from an index, as seen now; only those `visible` accepts (all by default). */
async function grantsFromIndex(
  ctx: Context,
  index: string,
  owner: string[],
  pageSize: string,
  bookmark: string,
  visible: (grant: Grant) => boolean | Promise<boolean> = () => true,
) {
  const page = await readIndexPage(ctx, index, owner, pageSize, bookmark);
  const now = transactionTime(ctx);
  const items = [];
  for (const attributes of page.items) {
    const grantId = attributes[attributes.length - 1];
    const grant = await readIndexed(ctx, grantKey(ctx, grantId), Grant.fromState);
    if (await visible(grant)) items.push(grantView(grant, now));
  }
  return { items, nextBookmark: page.nextBookmark };
}
