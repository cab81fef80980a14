import { Injectable } from '@nestjs/common';
import type { Resource } from '@medplum/fhirtypes';
import { GrantsService } from '../access/grants.service.js';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import { RoleForbiddenError } from '../auth/auth.errors.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { PatientsService } from '../patients/patients.service.js';
import { ReportsQueryService } from '../reports/reports-query.service.js';
import { auditEventResource } from './audit-event-resource.js';
import { consentResource } from './consent-resource.js';
import { documentReferenceResource } from './document-reference-resource.js';
import { allPages, knownId } from './fhir-ids.js';
import { FhirLinks } from './fhir-links.js';
import { FhirPeopleService } from './fhir-people.service.js';
import { patientResource } from './people-resources.js';

/** Rows a page of the export reads at a time. */
const EXPORT_PAGE = 100;

/** A patient's resources: the matches, and the doctors they name (`include`). */
export interface PatientRecordExport {
  matches: Resource[];
  included: Resource[];
}

/**
 * `Patient/{id}/$everything`: the patient's own export of their record (their demographics,
 * every document, every grant, every opening and refusal, and the doctors these name), or an
 * auditor's view of a patient within their rules (the openings and refusals their hospital
 * is party to). Read through the REST API's services, page after page, so the same rules hold.
 */
@Injectable()
export class FhirEverythingService {
  constructor(
    private readonly links: FhirLinks,
    private readonly patients: PatientsService,
    private readonly reports: ReportsQueryService,
    private readonly grants: GrantsService,
    private readonly trail: AuditTrailService,
    private readonly people: FhirPeopleService,
  ) {}

  async everything(caller: AuthenticatedUser, id: string): Promise<PatientRecordExport> {
    const patientId = knownId(id);
    if (caller.role === 'patient') return this.patientsOwn(caller, patientId);
    if (caller.role === 'auditor') return this.auditorsView(caller, patientId);
    throw new RoleForbiddenError('a patient’s export is for the patient and auditors');
  }

  private async patientsOwn(patient: AuthenticatedUser, patientId: string): Promise<PatientRecordExport> {
    const demographics = await this.patients.get(patient, patientId); // 404 for another patient
    const [documents, grants, accesses] = await Promise.all([
      allPages((cursor) => this.reports.list(patient, { limit: EXPORT_PAGE, cursor })),
      allPages((cursor) => this.grants.list(patient, { limit: EXPORT_PAGE, cursor })),
      allPages((cursor) => this.trail.accessLog(patient, { limit: EXPORT_PAGE, cursor })),
    ]);
    const doctors = [
      ...documents.filter((view) => view.record.authorRole === 'doctor').map((view) => view.record.authorId),
      ...grants.map((view) => view.record.doctorId).filter((doctorId) => doctorId !== null),
      ...accesses.filter((entry) => entry.actor.role === 'doctor').map((entry) => entry.actor.id),
    ];
    return {
      matches: [
        patientResource(demographics),
        ...documents.map((view) => documentReferenceResource(view, this.links)),
        ...grants.map(consentResource),
        ...accesses.map((entry) => auditEventResource(entry, this.links)),
      ],
      included: await this.people.practitioners(doctors),
    };
  }

  private async auditorsView(auditor: AuthenticatedUser, patientId: string): Promise<PatientRecordExport> {
    const accesses = await allPages((cursor) =>
      this.trail.patientAccesses(auditor, patientId, { limit: EXPORT_PAGE, cursor }),
    );
    return {
      matches: accesses.map((entry) => auditEventResource(entry, this.links)),
      included: await this.people.practitioners(
        accesses.filter((entry) => entry.actor.role === 'doctor').map((entry) => entry.actor.id),
      ),
    };
  }
}
