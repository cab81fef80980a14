import type { Organization, Patient, Practitioner, Reference } from '@medplum/fhirtypes';
import type { UserEntity } from '../users/user.entity.js';
import { HOSPITAL_SYSTEM, PATIENT_ID_SYSTEM, USER_ID_SYSTEM } from './fhir-vocabulary.js';

/** A hospital as a logical reference (MedLedger serves no Organization resource). */
export function hospitalReference(hospital: string, type?: 'Organization'): Reference<Organization> {
  return { ...(type ? { type } : {}), identifier: { system: HOSPITAL_SYSTEM, value: hospital }, display: hospital };
}

/** A patient's minimal demographics, as a doctor of theirs and the patient see them over REST. */
export function patientResource(user: UserEntity): Patient {
  return {
    resourceType: 'Patient',
    id: user.id,
    identifier: [{ system: PATIENT_ID_SYSTEM, value: user.id }],
    active: user.status === 'active',
    name: [{ text: user.fullName }],
    ...(user.dateOfBirth ? { birthDate: user.dateOfBirth } : {}),
    managingOrganization: hospitalReference(user.hospital, 'Organization'),
  };
}

/** A doctor: staff data (name, hospital by identifier), no PHI. */
export function practitionerResource(user: UserEntity): Practitioner {
  return {
    resourceType: 'Practitioner',
    id: user.id,
    identifier: [{ system: USER_ID_SYSTEM, value: user.id }],
    active: user.status === 'active',
    name: [{ text: user.fullName }],
  };
}
