import { Injectable } from '@nestjs/common';
import type { Patient, Practitioner } from '@medplum/fhirtypes';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { InvalidInputError, NotFoundError } from '../common/domain-error.js';
import { PatientsService } from '../patients/patients.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import type { FhirPage } from './fhir-bundle.js';
import { knownId, UUID } from './fhir-ids.js';
import { type FhirSearch, singleFilter, tokenValues } from './fhir-search.js';
import { PATIENT_ID_SYSTEM } from './fhir-vocabulary.js';
import { patientResource, practitionerResource } from './people-resources.js';

/** Lower case, without accents: how a name search compares (FHIR's string search ignores both). */
const folded = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase();

/** A Patient search's criteria, each optional: the patient's id, their date of birth, a name. */
interface PatientCriteria {
  id?: string;
  birthDate?: string;
  name?: { text: string; match: 'starts' | 'contains' | 'exact' };
}

/** Patients and doctors as FHIR resources, under the REST API's rules (PatientsService decides who sees whom). */
@Injectable()
export class FhirPeopleService {
  constructor(
    private readonly patients: PatientsService,
    private readonly users: UsersRepository,
  ) {}

  /** The patient themself; a doctor of theirs (care or grant); a 404 for anyone else. */
  async readPatient(caller: AuthenticatedUser, id: string): Promise<Patient> {
    return patientResource(await this.patients.get(caller, knownId(id)));
  }

  /**
   * The doctor's search of patients (those of their hospital and those whose grant covers
   * them), by name, date of birth or id: PatientsService finds at most 25 candidates by the
   * most selective criterion (the id, else the name, else the date of birth), then each
   * result meets every criterion given.
   */
  async searchPatients(doctor: AuthenticatedUser, search: FhirSearch): Promise<FhirPage<Patient>> {
    const criteria = patientCriteria(search);
    const query = criteria.id ?? criteria.name?.text ?? criteria.birthDate;
    if (query === undefined) throw new InvalidInputError('a Patient search needs name, birthdate, identifier or _id');
    const found = await this.patients.search(doctor, query);
    return { resources: found.filter((user) => meets(user, criteria)).map(patientResource), nextCursor: null };
  }

  /** A doctor, by id (staff data: any signed-in user); a 404 for anyone who is not a doctor. */
  async readPractitioner(id: string): Promise<Practitioner> {
    return practitionerResource(await this.doctor(knownId(id)));
  }

  /** The doctors among these ids, as Practitioners (those whose accounts exist). */
  async practitioners(ids: readonly string[]): Promise<Practitioner[]> {
    return (await this.users.findDoctors(ids)).map(practitionerResource);
  }

  private async doctor(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (user?.role !== 'doctor') throw new NotFoundError('no doctor has this id');
    return user;
  }
}

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

function patientCriteria(search: FhirSearch): PatientCriteria {
  const ids = [...(tokenValues(search, 'identifier') ?? []), ...(tokenValues(search, '_id') ?? [])];
  for (const token of ids) {
    if (token.system !== undefined && token.system !== PATIENT_ID_SYSTEM) {
      throw new InvalidInputError(`identifier takes the system ${PATIENT_ID_SYSTEM} (or none)`);
    }
    if (!UUID.test(token.code)) throw new InvalidInputError('a patient id is a UUID');
  }
  if (new Set(ids.map((token) => token.code.toLowerCase())).size > 1) {
    throw new InvalidInputError('identifier and _id take one patient id');
  }
  const birthdate = singleFilter(search, 'birthdate');
  if (birthdate !== undefined && (birthdate.operator !== 'eq' || !CALENDAR_DATE.test(birthdate.value))) {
    throw new InvalidInputError('birthdate takes one full date (YYYY-MM-DD), without a prefix');
  }
  const name = singleFilter(search, 'name');
  return {
    id: ids[0]?.code.toLowerCase(),
    birthDate: birthdate?.value,
    name:
      name === undefined
        ? undefined
        : {
            text: name.value,
            match: name.operator === 'contains' ? 'contains' : name.operator === 'exact' ? 'exact' : 'starts',
          },
  };
}

/** Whether a patient meets every criterion; a name by FHIR's string search (a word starting with the text, by default). */
function meets(user: UserEntity, criteria: PatientCriteria): boolean {
  if (criteria.id !== undefined && user.id.toLowerCase() !== criteria.id) return false;
  if (criteria.birthDate !== undefined && user.dateOfBirth !== criteria.birthDate) return false;
  if (criteria.name === undefined) return true;
  const { text, match } = criteria.name;
  if (match === 'exact') return user.fullName === text;
  const name = folded(user.fullName);
  const wanted = folded(text);
  return match === 'contains' ? name.includes(wanted) : ` ${name}`.includes(` ${wanted}`);
}
