import type { GatewaySession } from './gateway-session.js';
import { pageArgs } from './page-args.js';
import { parseAccessRequest, parseApproval, parseGrant, parsePage } from './ledger-records.js';
import type {
  AccessRequestRecord,
  Committed,
  ConsentLedger,
  EmergencyReviewOutcome,
  GranteeKind,
  GrantRecord,
  LedgerIdentity,
  NewAccessRequest,
  NewConsentGrant,
  NewEmergency,
  NewOrganisationGrant,
  Page,
  PageRequest,
} from './ledger.port.js';

const CONTRACT = 'consent';

/** `null` (every report) or the listed IDs, as the chaincode takes a scope: JSON text. */
const scopeArg = (reportIds: string[] | null): string => JSON.stringify(reportIds);

/** The `consent` contract over the shared Gateway session. */
export class FabricConsentLedger implements ConsentLedger {
  constructor(private readonly session: GatewaySession) {}

  /**
   * A change that opens or closes access is answered once every hospital's peer holds it:
   * a doctor of another hospital who opens a report right after the patient's approval is
   * endorsed by their own hospital's peer too, which must already know the grant.
   */
  private async visibleEverywhere<T>(actor: LedgerIdentity, change: Promise<Committed<T>>): Promise<Committed<T>> {
    const committed = await change;
    await this.session.untilEveryPeerHas(actor, committed.blockNumber);
    return committed;
  }

  requestAccess(actor: LedgerIdentity, request: NewAccessRequest): Promise<Committed<AccessRequestRecord>> {
    const args = [
      request.requestId,
      request.patientId,
      scopeArg(request.reportIds),
      String(request.durationDays),
      request.purposeOfUse,
      request.reasonCommitment,
    ];
    return this.session.submit(actor, CONTRACT, 'RequestAccess', args, parseAccessRequest);
  }

  approveRequest(
    actor: LedgerIdentity,
    approval: {
      requestId: string;
      grantId: string;
      reportIds: string[] | null;
      durationMinutes: number;
      granteeKind: GranteeKind;
    },
  ): Promise<Committed<{ grant: GrantRecord; request: AccessRequestRecord }>> {
    const args = [
      approval.requestId,
      approval.grantId,
      scopeArg(approval.reportIds),
      String(approval.durationMinutes),
      approval.granteeKind,
    ];
    return this.visibleEverywhere(actor, this.session.submit(actor, CONTRACT, 'ApproveRequest', args, parseApproval));
  }

  denyRequest(actor: LedgerIdentity, requestId: string): Promise<Committed<AccessRequestRecord>> {
    return this.session.submit(actor, CONTRACT, 'DenyRequest', [requestId], parseAccessRequest);
  }

  cancelRequest(actor: LedgerIdentity, requestId: string): Promise<Committed<AccessRequestRecord>> {
    return this.session.submit(actor, CONTRACT, 'CancelRequest', [requestId], parseAccessRequest);
  }

  grantAccess(actor: LedgerIdentity, grant: NewConsentGrant): Promise<Committed<GrantRecord>> {
    const args = [
      grant.grantId,
      grant.doctorId,
      scopeArg(grant.reportIds),
      String(grant.durationMinutes),
      grant.purposeOfUse,
    ];
    return this.visibleEverywhere(actor, this.session.submit(actor, CONTRACT, 'GrantAccess', args, parseGrant));
  }

  grantOrganisationAccess(actor: LedgerIdentity, grant: NewOrganisationGrant): Promise<Committed<GrantRecord>> {
    const args = [
      grant.grantId,
      grant.granteeKind,
      grant.granteeMspId,
      scopeArg(grant.reportIds),
      String(grant.durationMinutes),
      grant.purposeOfUse,
    ];
    return this.visibleEverywhere(
      actor,
      this.session.submit(actor, CONTRACT, 'GrantOrganisationAccess', args, parseGrant),
    );
  }

  revokeGrant(actor: LedgerIdentity, grantId: string): Promise<Committed<GrantRecord>> {
    return this.visibleEverywhere(actor, this.session.submit(actor, CONTRACT, 'RevokeGrant', [grantId], parseGrant));
  }

  declareEmergency(actor: LedgerIdentity, emergency: NewEmergency): Promise<Committed<GrantRecord>> {
    const args = [emergency.grantId, emergency.patientId, emergency.justificationCommitment, String(emergency.hours)];
    return this.visibleEverywhere(actor, this.session.submit(actor, CONTRACT, 'DeclareEmergency', args, parseGrant));
  }

  reviewEmergency(
    actor: LedgerIdentity,
    grantId: string,
    outcome: EmergencyReviewOutcome,
  ): Promise<Committed<GrantRecord>> {
    return this.session.submit(actor, CONTRACT, 'ReviewEmergency', [grantId, outcome], parseGrant);
  }

  getRequest(actor: LedgerIdentity, requestId: string): Promise<AccessRequestRecord> {
    return this.session.evaluate(actor, CONTRACT, 'GetRequest', [requestId], parseAccessRequest);
  }

  getGrant(actor: LedgerIdentity, grantId: string): Promise<GrantRecord> {
    return this.session.evaluate(actor, CONTRACT, 'GetGrant', [grantId], parseGrant);
  }

  listRequestsByPatient(
    actor: LedgerIdentity,
    patientId: string,
    page: PageRequest,
  ): Promise<Page<AccessRequestRecord>> {
    const args = [patientId, ...pageArgs(page)];
    return this.session.evaluate(actor, CONTRACT, 'ListRequestsByPatient', args, parsePage(parseAccessRequest));
  }

  listRequestsByDoctor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<AccessRequestRecord>> {
    const args = [doctorId, ...pageArgs(page)];
    return this.session.evaluate(actor, CONTRACT, 'ListRequestsByDoctor', args, parsePage(parseAccessRequest));
  }

  listGrantsByPatient(actor: LedgerIdentity, patientId: string, page: PageRequest): Promise<Page<GrantRecord>> {
    const args = [patientId, ...pageArgs(page)];
    return this.session.evaluate(actor, CONTRACT, 'ListGrantsByPatient', args, parsePage(parseGrant));
  }

  listGrantsByDoctor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<GrantRecord>> {
    const args = [doctorId, ...pageArgs(page)];
    return this.session.evaluate(actor, CONTRACT, 'ListGrantsByDoctor', args, parsePage(parseGrant));
  }

  listGrantsByHospital(actor: LedgerIdentity, mspId: string, page: PageRequest): Promise<Page<GrantRecord>> {
    const args = [mspId, ...pageArgs(page)];
    return this.session.evaluate(actor, CONTRACT, 'ListGrantsByHospital', args, parsePage(parseGrant));
  }

  listEmergencyGrants(actor: LedgerIdentity, page: PageRequest): Promise<Page<GrantRecord>> {
    return this.session.evaluate(actor, CONTRACT, 'ListEmergencyGrants', pageArgs(page), parsePage(parseGrant));
  }
}
