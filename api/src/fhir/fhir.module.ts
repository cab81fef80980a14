import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { PatientsModule } from '../patients/patients.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { FhirController } from './fhir.controller.js';
import { FhirEverythingService } from './fhir-everything.service.js';
import { FhirLinks, fhirLinksOf } from './fhir-links.js';
import { FhirPeopleService } from './fhir-people.service.js';
import { FhirRecordsService } from './fhir-records.service.js';

/**
 * The FHIR R4 facade: another way in to the same records, consents and audit trail, through
 * the same services, never a way around them.
 */
@Module({
  imports: [UsersModule, PatientsModule, ReportsModule, AccessModule, AuditModule],
  controllers: [FhirController],
  providers: [
    FhirPeopleService,
    FhirRecordsService,
    FhirEverythingService,
    { provide: FhirLinks, inject: [AppConfig], useFactory: (config: AppConfig) => fhirLinksOf(config.API_PUBLIC_URL) },
  ],
})
export class FhirModule {}
