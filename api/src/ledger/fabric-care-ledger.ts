import type { GatewaySession } from './gateway-session.js';
import { pageArgs } from './page-args.js';
import { parseCareAssignment, parsePage } from './ledger-records.js';
import type { CareAssignmentRecord, CareLedger, Committed, LedgerIdentity, Page, PageRequest } from './ledger.port.js';

const CONTRACT = 'care';

/** The `care` contract over the shared Gateway session. */
export class FabricCareLedger implements CareLedger {
  constructor(private readonly session: GatewaySession) {}

  assign(
    actor: LedgerIdentity,
    assignmentId: string,
    patientId: string,
    doctorId: string,
  ): Promise<Committed<CareAssignmentRecord>> {
    return this.session.submit(actor, CONTRACT, 'AssignCare', [assignmentId, patientId, doctorId], parseCareAssignment);
  }

  end(actor: LedgerIdentity, assignmentId: string): Promise<Committed<CareAssignmentRecord>> {
    return this.session.submit(actor, CONTRACT, 'EndCare', [assignmentId], parseCareAssignment);
  }

  listByPatient(actor: LedgerIdentity, patientId: string, page: PageRequest): Promise<Page<CareAssignmentRecord>> {
    const args = [patientId, ...pageArgs(page)];
    return this.session.evaluate(actor, CONTRACT, 'ListCareByPatient', args, parsePage(parseCareAssignment));
  }

  listByDoctor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<CareAssignmentRecord>> {
    const args = [doctorId, ...pageArgs(page)];
    return this.session.evaluate(actor, CONTRACT, 'ListCareByDoctor', args, parsePage(parseCareAssignment));
  }
}
