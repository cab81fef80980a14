import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceSearchParam,
  StructureDefinition,
} from '@medplum/fhirtypes';
import { API_VERSION } from '../system/api-version.js';
import type { FhirLinks } from './fhir-links.js';
import { COMMON_SEARCH_PARAMETERS, FHIR_SEARCHES, type SearchableType } from './fhir-search.js';
import { ledgerRecordDefinition } from './ledger-record-extension.js';

/**
 * What the facade does, per resource type: read, search (with FHIR_SEARCHES' parameters) and
 * operations. The routes, the CapabilityStatement and the answer to an unsupported path all
 * read this table; the facade is read-only.
 */
export const FHIR_RESOURCES = {
  Patient: { read: true, search: true, operations: ['everything'] },
  Practitioner: { read: true, search: false, operations: [] },
  DocumentReference: { read: true, search: true, operations: [] },
  Consent: { read: true, search: true, operations: [] },
  AuditEvent: { read: true, search: true, operations: [] },
  StructureDefinition: { read: true, search: false, operations: [] },
} as const satisfies Record<string, { read: boolean; search: boolean; operations: readonly string[] }>;

export type FhirResourceType = keyof typeof FHIR_RESOURCES;

export const isFhirResourceType = (type: string): type is FhirResourceType => Object.hasOwn(FHIR_RESOURCES, type);

/** The extension definitions MedLedger publishes (read at /fhir/R4/StructureDefinition/{id}). */
export const PUBLISHED_DEFINITIONS: readonly StructureDefinition[] = [ledgerRecordDefinition()];

/** The date of this statement's content: changed with what the facade supports. */
const STATEMENT_DATE = '2026-12-02';

function searchParameters(type: SearchableType): CapabilityStatementRestResourceSearchParam[] {
  const own = Object.entries(FHIR_SEARCHES[type]).map(([name, spec]) => ({
    name,
    type: spec.type,
    documentation: spec.documentation,
  }));
  const common = Object.entries(COMMON_SEARCH_PARAMETERS)
    .filter(([name]) => name !== '_format')
    .map(([name, documentation]) => ({
      name,
      type: name === '_count' ? ('number' as const) : ('string' as const),
      documentation,
    }));
  return [...own, ...common];
}

/** The CapabilityStatement of `metadata`: exactly the interactions, searches and operations of FHIR_RESOURCES. */
export function capabilityStatement(links: FhirLinks): CapabilityStatement {
  const resource: CapabilityStatementRestResource[] = Object.entries(FHIR_RESOURCES).map(([type, can]) => ({
    type: type as FhirResourceType,
    interaction: [
      ...(can.read ? [{ code: 'read' as const }] : []),
      ...(can.search ? [{ code: 'search-type' as const }] : []),
    ],
    ...(can.search ? { searchParam: searchParameters(type as SearchableType) } : {}),
    ...(can.operations.length > 0
      ? {
          operation: can.operations.map((name) => ({
            name,
            definition: `http://hl7.org/fhir/OperationDefinition/${type}-${name}`,
          })),
        }
      : {}),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: STATEMENT_DATE,
    publisher: 'MedLedger',
    kind: 'instance',
    software: { name: 'MedLedger', version: API_VERSION },
    implementation: {
      description:
        'MedLedger’s read-only FHIR R4 facade over its ledger: the same tokens and the same authorisation as its REST API, every fact with its ledger transaction (extension ledger-record).',
      url: links.fhirBase,
    },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Searches page with `_count` and the `next` link; parameters, modifiers and prefixes not listed are refused (400).',
        security: {
          cors: false,
          description:
            'Bearer access tokens of POST /api/v1/auth/login (and /auth/login/second-factor), as for the REST API; the ledger decides what each caller may see.',
        },
        resource,
      },
    ],
  };
}
