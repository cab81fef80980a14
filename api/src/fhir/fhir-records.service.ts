import { Injectable } from '@nestjs/common';
import type { AuditEvent, Consent, DocumentReference } from '@medplum/fhirtypes';
import { GrantsService } from '../access/grants.service.js';
import type { GrantStatus } from '../access/consent-terms.js';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { InvalidInputError, NotFoundError } from '../common/domain-error.js';
import { ReportsQueryService } from '../reports/reports-query.service.js';
import { auditEventResource } from './audit-event-resource.js';
import { consentResource } from './consent-resource.js';
import { documentReferenceResource } from './document-reference-resource.js';
import type { FhirPage } from './fhir-bundle.js';
import { knownId } from './fhir-ids.js';
import { FhirLinks } from './fhir-links.js';
import { dateBounds, type FhirSearch, referencedId, tokenValues } from './fhir-search.js';
import { reportTypesOfToken } from './fhir-vocabulary.js';

/** FHIR's consent-state codes, and the grant statuses each stands for (none: MedLedger has no such grant). */
const CONSENT_STATES: Record<string, readonly GrantStatus[]> = {
  active: ['active'],
  inactive: ['expired', 'revoked'],
  draft: [],
  proposed: [],
  rejected: [],
  'entered-in-error': [],
};
const CONSENT_STATE_SYSTEM = 'http://hl7.org/fhir/consent-state-codes';

/**
 * Documents, consents and audit events as FHIR resources: each read and search goes through
 * the REST API's own services, so the ledger and the same rules decide what each caller sees
 * (a doctor's documents of a patient, a patient's own grants, an auditor's hospital's
 * accesses); the facade only translates.
 */
@Injectable()
export class FhirRecordsService {
  constructor(
    private readonly links: FhirLinks,
    private readonly reports: ReportsQueryService,
    private readonly grants: GrantsService,
    private readonly trail: AuditTrailService,
  ) {}

  async readDocument(caller: AuthenticatedUser, id: string): Promise<DocumentReference> {
    return documentReferenceResource(await this.reports.get(caller, knownId(id)), this.links);
  }

  /** A patient's own documents; a doctor's of one patient (`patient`) or those they wrote; by type and recording time. */
  async searchDocuments(caller: AuthenticatedUser, search: FhirSearch): Promise<FhirPage<DocumentReference>> {
    const typeTokens = tokenValues(search, 'type');
    const bounds = dateBounds(search, 'date');
    const page = await this.reports.list(caller, {
      patientId: referencedId(search, 'patient', ['Patient']),
      types: typeTokens && [...new Set(typeTokens.flatMap((token) => reportTypesOfToken(token.system, token.code)))],
      recordedFrom: bounds.from,
      recordedTo: bounds.to,
      limit: search.count,
      cursor: search.cursor,
    });
    return {
      resources: page.items.map((view) => documentReferenceResource(view, this.links)),
      nextCursor: page.nextCursor,
    };
  }

  async readConsent(caller: AuthenticatedUser, id: string): Promise<Consent> {
    return consentResource(await this.grants.get(caller, knownId(id)));
  }

  /** The grants a patient gave, or a doctor holds; by patient, by the doctor they name, by status at ledger time. */
  async searchConsents(caller: AuthenticatedUser, search: FhirSearch): Promise<FhirPage<Consent>> {
    const patientId = referencedId(search, 'patient', ['Patient']);
    if (caller.role === 'patient' && patientId !== undefined && patientId !== caller.id.toLowerCase()) {
      throw new NotFoundError('no patient of yours has this id');
    }
    const page = await this.grants.list(caller, {
      statuses: consentStatuses(search),
      patientId,
      doctorId: referencedId(search, 'actor', ['Practitioner']),
      limit: search.count,
      cursor: search.cursor,
    });
    return { resources: page.items.map(consentResource), nextCursor: page.nextCursor };
  }

  /** One opening or refusal, by its transaction: the patient's own, or one the auditor's hospital is party to. */
  async readAuditEvent(caller: AuthenticatedUser, id: string): Promise<AuditEvent> {
    const page = await this.accesses(caller, { txId: knownId(id, 'transaction'), limit: 1 });
    const [entry] = page.items;
    if (entry === undefined) throw new NotFoundError('no audit event you may see has this id');
    return auditEventResource(entry, this.links);
  }

  /** Openings and refusals: the patient's own access log, or what the auditor's hospital is party to. */
  async searchAuditEvents(caller: AuthenticatedUser, search: FhirSearch): Promise<FhirPage<AuditEvent>> {
    const bounds = dateBounds(search, 'date');
    const page = await this.accesses(caller, {
      patientId: referencedId(search, 'patient', ['Patient']),
      actorId: referencedId(search, 'agent', ['Practitioner', 'Patient']),
      reportId: referencedId(search, 'entity', ['DocumentReference']),
      from: bounds.from,
      to: bounds.to,
      limit: search.count,
      cursor: search.cursor,
    });
    return { resources: page.items.map((entry) => auditEventResource(entry, this.links)), nextCursor: page.nextCursor };
  }

  private accesses(caller: AuthenticatedUser, request: Parameters<AuditTrailService['accesses']>[1]) {
    return caller.role === 'patient' ? this.trail.accessLog(caller, request) : this.trail.accesses(caller, request);
  }
}

function consentStatuses(search: FhirSearch): GrantStatus[] | undefined {
  const tokens = tokenValues(search, 'status');
  if (tokens === undefined) return undefined;
  return tokens.flatMap((token) => {
    const statuses = CONSENT_STATES[token.code];
    if ((token.system !== undefined && token.system !== CONSENT_STATE_SYSTEM) || statuses === undefined) {
      throw new InvalidInputError(
        `status takes a code of ${CONSENT_STATE_SYSTEM}: ${Object.keys(CONSENT_STATES).join(', ')}`,
      );
    }
    return statuses;
  });
}
