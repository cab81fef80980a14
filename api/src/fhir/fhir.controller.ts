import { All, Controller, Get, Param, Query, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type {
  AuditEvent,
  Bundle,
  CapabilityStatement,
  Consent,
  DocumentReference,
  Patient,
  Practitioner,
  StructureDefinition,
} from '@medplum/fhirtypes';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { NotFoundError } from '../common/domain-error.js';
import { Public } from '../common/public.decorator.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';
import { ROLES } from '../users/user.entity.js';
import { capabilityStatement, isFhirResourceType, PUBLISHED_DEFINITIONS } from './capability-statement.js';
import { FhirMethodNotAllowedError, UnsupportedFhirPathError } from './fhir.errors.js';
import { searchsetBundle, wholeResultBundle } from './fhir-bundle.js';
import { FhirEverythingService } from './fhir-everything.service.js';
import { FhirFormatInterceptor } from './fhir-format.interceptor.js';
import { FhirLinks } from './fhir-links.js';
import { FhirPeopleService } from './fhir-people.service.js';
import { FhirRecordsService } from './fhir-records.service.js';
import { parseFhirSearch } from './fhir-search.js';
import { OperationOutcomeFilter } from './operation-outcome.filter.js';

type SearchQuery = Record<string, unknown>;

/**
 * The FHIR R4 facade (`/fhir/R4`): read-only, `application/fhir+json`, errors as
 * OperationOutcome. The same bearer tokens and roles as the REST API, and the same services
 * behind it, so the ledger decides what each caller sees; its contract is the
 * CapabilityStatement at `metadata` (not the OpenAPI document).
 */
@ApiExcludeController()
@UseFilters(OperationOutcomeFilter)
@UseInterceptors(FhirFormatInterceptor)
@Controller('fhir/R4')
export class FhirController {
  constructor(
    private readonly links: FhirLinks,
    private readonly people: FhirPeopleService,
    private readonly records: FhirRecordsService,
    private readonly exports: FhirEverythingService,
  ) {}

  @Public()
  @Get('metadata')
  metadata(): CapabilityStatement {
    return capabilityStatement(this.links);
  }

  /** The definitions of MedLedger's extensions. */
  @Public()
  @Get('StructureDefinition/:id')
  definition(@Param('id') id: string): StructureDefinition {
    const definition = PUBLISHED_DEFINITIONS.find((candidate) => candidate.id === id);
    if (definition === undefined) throw new NotFoundError('MedLedger publishes no definition with this id');
    return definition;
  }

  @Roles('doctor')
  @RateLimit('search')
  @Get('Patient')
  async searchPatients(
    @CurrentUser() doctor: AuthenticatedUser,
    @Query() query: SearchQuery,
  ): Promise<Bundle<Patient>> {
    const page = await this.people.searchPatients(doctor, parseFhirSearch('Patient', query));
    return searchsetBundle(this.links, { path: 'Patient', query }, page);
  }

  @Roles('doctor', 'patient')
  @Get('Patient/:id')
  readPatient(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<Patient> {
    return this.people.readPatient(caller, id);
  }

  @Roles('patient', 'auditor')
  @RateLimit('search')
  @Get('Patient/:id/$everything')
  async everything(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<Bundle> {
    const { matches, included } = await this.exports.everything(caller, id);
    return wholeResultBundle(this.links, `Patient/${id}/$everything`, matches, included);
  }

  @Roles(...ROLES)
  @Get('Practitioner/:id')
  readPractitioner(@Param('id') id: string): Promise<Practitioner> {
    return this.people.readPractitioner(id);
  }

  @Roles('patient', 'doctor')
  @Get('DocumentReference')
  async searchDocuments(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: SearchQuery,
  ): Promise<Bundle<DocumentReference>> {
    const page = await this.records.searchDocuments(caller, parseFhirSearch('DocumentReference', query));
    return searchsetBundle(this.links, { path: 'DocumentReference', query }, page);
  }

  @Roles('patient', 'doctor')
  @Get('DocumentReference/:id')
  readDocument(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<DocumentReference> {
    return this.records.readDocument(caller, id);
  }

  @Roles('patient', 'doctor')
  @Get('Consent')
  async searchConsents(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: SearchQuery,
  ): Promise<Bundle<Consent>> {
    const page = await this.records.searchConsents(caller, parseFhirSearch('Consent', query));
    return searchsetBundle(this.links, { path: 'Consent', query }, page);
  }

  @Roles('patient', 'doctor')
  @Get('Consent/:id')
  readConsent(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<Consent> {
    return this.records.readConsent(caller, id);
  }

  @Roles('patient', 'auditor')
  @Get('AuditEvent')
  async searchAuditEvents(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: SearchQuery,
  ): Promise<Bundle<AuditEvent>> {
    const page = await this.records.searchAuditEvents(caller, parseFhirSearch('AuditEvent', query));
    return searchsetBundle(this.links, { path: 'AuditEvent', query }, page);
  }

  @Roles('patient', 'auditor')
  @Get('AuditEvent/:id')
  readAuditEvent(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<AuditEvent> {
    return this.records.readAuditEvent(caller, id);
  }

  /**
   * Whatever the routes above do not answer (declared last, so it comes last): a 405 with
   * Allow for another method on a path of a supported type or `metadata`, a 404 for a type
   * or interaction the facade does not have.
   */
  @Public()
  @All('{*rest}')
  unsupported(@Req() request: Request, @Res({ passthrough: true }) response: Response): never {
    const [first = ''] = request.path.slice('/fhir/R4/'.length).split('/');
    if ((first === 'metadata' || isFhirResourceType(first)) && request.method !== 'GET') {
      response.setHeader('Allow', 'GET, HEAD');
      throw new FhirMethodNotAllowedError(`the FHIR facade is read-only: ${request.method} is not supported here`);
    }
    throw new UnsupportedFhirPathError(
      `the FHIR facade does not support this; its CapabilityStatement is at /fhir/R4/metadata`,
    );
  }
}
