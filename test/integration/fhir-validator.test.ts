import { type FhirValidator, startFhirValidator } from '../support/fhir-validator.js';

/**
 * The FHIR R4 validator the suites check the FHIR facade with (test/support/fhir-validator.ts):
 * before any suite trusts its "valid", it must be seen failing what is invalid, each case beside
 * a valid twin that passes. No running system needed: only Java, and the validator's build.
 */

// Building the validator (when FHIR_VALIDATOR_PATH is unset) and starting its JVM take a while.
const STARTUP_MS = 300_000;

const EXTENSION_URL = 'https://medledger.example/fhir/StructureDefinition/ledger-anchor';

/** A complex extension: one sub-extension `transaction`, a string; for DocumentReference. */
const ledgerAnchorDefinition = {
  resourceType: 'StructureDefinition',
  id: 'ledger-anchor',
  url: EXTENSION_URL,
  name: 'LedgerAnchor',
  title: 'Ledger anchor',
  status: 'active',
  fhirVersion: '4.0.1',
  description: 'Where a document is anchored on the ledger.',
  kind: 'complex-type',
  abstract: false,
  context: [{ type: 'element', expression: 'DocumentReference' }],
  type: 'Extension',
  baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension',
  derivation: 'constraint',
  differential: {
    element: [
      { id: 'Extension', path: 'Extension', short: 'Ledger anchor', definition: 'Where a document is anchored.' },
      { id: 'Extension.extension', path: 'Extension.extension', min: 1 },
      {
        id: 'Extension.extension:transaction',
        path: 'Extension.extension',
        sliceName: 'transaction',
        short: 'The ledger transaction',
        definition: 'The id of the ledger transaction that anchored the document.',
        min: 1,
        max: '1',
      },
      { id: 'Extension.extension:transaction.extension', path: 'Extension.extension.extension', max: '0' },
      { id: 'Extension.extension:transaction.url', path: 'Extension.extension.url', fixedUri: 'transaction' },
      {
        id: 'Extension.extension:transaction.value[x]',
        path: 'Extension.extension.value[x]',
        type: [{ code: 'string' }],
      },
      { id: 'Extension.url', path: 'Extension.url', fixedUri: EXTENSION_URL },
      { id: 'Extension.value[x]', path: 'Extension.value[x]', max: '0' },
    ],
  },
};

const narrative = (text: string) => ({
  status: 'generated',
  div: `<div xmlns="http://www.w3.org/1999/xhtml">${text}</div>`,
});

const patient = {
  resourceType: 'Patient',
  id: 'patient-1',
  text: narrative('A test patient'),
  name: [{ family: 'Testperson', given: ['Alex'] }],
  gender: 'unknown',
  birthDate: '1990-01-31',
};

const consent = {
  resourceType: 'Consent',
  id: 'consent-1',
  status: 'active',
  scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentcategorycodes', code: 'npp' }] }],
  patient: { reference: 'Patient/patient-1' },
  dateTime: '2024-05-01T10:00:00Z',
  policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentpolicycodes', code: 'hipaa-auth' }] },
  provision: { type: 'permit', period: { start: '2024-05-01', end: '2025-05-01' } },
};

const auditEvent = {
  resourceType: 'AuditEvent',
  id: 'audit-1',
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
  action: 'R',
  recorded: '2024-05-01T10:00:00Z',
  outcome: '0',
  agent: [{ requestor: true, who: { reference: 'Practitioner/practitioner-1' } }],
  source: { observer: { display: 'MedLedger API' } },
  entity: [{ what: { reference: 'DocumentReference/document-1' } }],
};

const documentReference = {
  resourceType: 'DocumentReference',
  id: 'document-1',
  status: 'current',
  subject: { reference: 'Patient/patient-1' },
  date: '2024-05-01T10:00:00Z',
  content: [{ attachment: { contentType: 'application/pdf', size: 1024, title: 'Discharge letter' } }],
};

/** `resource` without the named elements. */
function without<T extends object>(resource: T, ...names: (keyof T)[]): Partial<T> {
  const copy: Partial<T> = { ...resource };
  for (const name of names) delete copy[name];
  return copy;
}

const anchored = (transaction: Record<string, unknown>) => ({
  ...documentReference,
  extension: [{ url: EXTENSION_URL, extension: [{ url: 'transaction', ...transaction }] }],
});

describe('the FHIR R4 validator of the suites (HAPI FHIR, offline)', () => {
  let validator: FhirValidator;

  beforeAll(async () => {
    validator = await startFhirValidator();
  }, STARTUP_MS);
  afterAll(() => validator?.stop());

  it('passes a valid Patient', async () => {
    expect(await validator.errors(patient)).toEqual([]);
    await expect(validator.expectValid(patient)).resolves.toBeUndefined();
  });

  it('fails a Patient whose birthDate is no date, at that element', async () => {
    const errors = await validator.errors({ ...patient, birthDate: '1990-13-45' });
    expect(errors).toEqual([expect.objectContaining({ severity: 'error', location: 'Patient.birthDate' })]);
    expect(errors[0].message).toContain('1990-13-45');
  });

  it('says what is wrong, and where, when expectValid throws', async () => {
    await expect(validator.expectValid({ ...patient, birthDate: '1990-13-45' })).rejects.toThrow(
      /Patient\/patient-1 is not valid FHIR R4:\n {2}- error at Patient\.birthDate: .*1990-13-45/,
    );
  });

  it('passes a valid Consent, and fails it without its required status and scope', async () => {
    expect(await validator.errors(consent)).toEqual([]);

    const errors = await validator.errors(without(consent, 'status', 'scope'));
    const messages = errors.map((error) => error.message).join('\n');
    expect(messages).toMatch(/Consent\.status: minimum required = 1, but only found 0/);
    expect(messages).toMatch(/Consent\.scope: minimum required = 1, but only found 0/);
    expect(errors).toHaveLength(2);
  });

  it('passes a valid AuditEvent, and fails it without its source', async () => {
    expect(await validator.errors(auditEvent)).toEqual([]);

    const errors = await validator.errors(without(auditEvent, 'source'));
    expect(errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/AuditEvent\.source: minimum required = 1/) }),
    ]);
  });

  it('passes a valid DocumentReference, and fails one with an element R4 does not have', async () => {
    expect(await validator.errors(documentReference)).toEqual([]);

    const errors = await validator.errors({ ...documentReference, colour: 'red' });
    expect(errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining("Unrecognized property 'colour'") }),
    ]);
  });

  it('validates the entries of a Bundle, and says which entry is wrong', async () => {
    const bundle = (birthDate: string) => ({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 1,
      entry: [
        {
          fullUrl: 'https://medledger.example/fhir/Patient/patient-1',
          resource: { ...patient, birthDate },
          search: { mode: 'match' },
        },
      ],
    });
    expect(await validator.errors(bundle('1990-01-31'))).toEqual([]);

    const errors = await validator.errors(bundle('1990-13-45'));
    expect(errors).toEqual([
      expect.objectContaining({ location: expect.stringMatching(/^Bundle\.entry\[0\]\.resource.*birthDate$/) }),
    ]);
  });

  it('warns, and does not fail, on a code system it cannot know offline (LOINC)', async () => {
    const loincTyped = {
      ...documentReference,
      type: { coding: [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }] },
    };
    const issues = await validator.issues(loincTyped);
    expect(issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')).toEqual([]);
    expect(issues).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        location: 'DocumentReference.type',
        message: expect.stringContaining('http://loinc.org'),
      }),
    );
  });

  it('answers what is not a resource with a fatal issue, and keeps working', async () => {
    expect(await validator.errors('this is not JSON')).toEqual([expect.objectContaining({ severity: 'fatal' })]);
    expect(await validator.errors({ resourceType: 'NoSuchResource' })).toEqual([
      expect.objectContaining({ severity: 'fatal' }),
    ]);
    expect(await validator.errors(patient)).toEqual([]);
  });

  // In this order: the validation before the definition is loaded also proves that loading it
  // clears what the validator cached (its definition not found).
  describe('with an extension the API publishes', () => {
    it('fails the extension while its definition is unknown', async () => {
      const errors = await validator.errors(anchored({ valueString: 'tx-0001' }));
      expect(errors).toEqual([
        expect.objectContaining({ message: expect.stringContaining(`${EXTENSION_URL} could not be found`) }),
      ]);
    });

    it('refuses a broken definition', async () => {
      const broken = {
        ...ledgerAnchorDefinition,
        context: [{ type: 'element', expression: 'DocumentReference.colour' }],
      };
      await expect(validator.addDefinition(broken)).rejects.toThrow(
        /was not loaded: the definition itself is not valid/,
      );
    });

    it('loads the definition, then passes the extension used right and fails a valueInteger for transaction', async () => {
      await validator.addDefinition(ledgerAnchorDefinition);

      expect(await validator.errors(anchored({ valueString: 'tx-0001' }))).toEqual([]);
      const errors = await validator.errors(anchored({ valueInteger: 1 }));
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.map((error) => `${error.location}: ${error.message}`).join('\n')).toMatch(
        /DocumentReference\.extension\[0\]\.extension\[0\].*allows for the type string but found type integer/,
      );
    });
  });
});
