import type { ElementDefinition, Extension, StructureDefinition } from '@medplum/fhirtypes';
import { MEDLEDGER_CANONICAL } from './fhir-vocabulary.js';

/** The canonical URL of the extension that names where a resource's facts sit on the ledger. */
export const LEDGER_RECORD_URL = `${MEDLEDGER_CANONICAL}/StructureDefinition/ledger-record`;

/** Where a fact sits on the ledger: its transaction, and what else the ledger holds of it. */
export interface LedgerPlaceFacts {
  txId: string;
  /** The block, when this node's projection knows it. */
  blockNumber?: string | number | null;
  /** Ledger time of the transaction. */
  recordedAt?: string | null;
  /** The content's IPFS CID (a report's). */
  cid?: string | null;
  /** SHA-256 of the stored ciphertext, hex (a report's). */
  ciphertextSha256?: string | null;
}

type PartType = 'string' | 'unsignedInt' | 'instant';

/** The parts of the extension: its sub-extensions, each with one value type. */
const PARTS: ReadonlyArray<{ name: string; type: PartType; min: 0 | 1; short: string; definition: string }> = [
  {
    name: 'transaction',
    type: 'string',
    min: 1,
    short: 'Fabric transaction ID',
    definition: 'The ID of the Hyperledger Fabric transaction that recorded this fact (64 hexadecimal digits).',
  },
  {
    name: 'block',
    type: 'unsignedInt',
    min: 0,
    short: 'Block number',
    definition: 'The number of the block of the channel that holds the transaction.',
  },
  {
    name: 'recorded',
    type: 'instant',
    min: 0,
    short: 'Ledger time',
    definition: 'The time of the transaction as the ledger recorded it (the proposal timestamp).',
  },
  {
    name: 'cid',
    type: 'string',
    min: 0,
    short: 'IPFS content ID',
    definition: 'The IPFS CID of the encrypted content, as the ledger recorded it.',
  },
  {
    name: 'ciphertextSha256',
    type: 'string',
    min: 0,
    short: 'SHA-256 of the ciphertext',
    definition:
      'The SHA-256 digest, hexadecimal, of the encrypted content as stored on IPFS, as the ledger recorded it; anyone holding the ciphertext can check it.',
  },
];

const VALUE_KEYS: Record<PartType, 'valueString' | 'valueUnsignedInt' | 'valueInstant'> = {
  string: 'valueString',
  unsignedInt: 'valueUnsignedInt',
  instant: 'valueInstant',
};

/**
 * The `ledger-record` extension on a DocumentReference, a Consent or an AuditEvent: the
 * transaction that recorded it, its block and ledger time and, for a report, the CID and
 * ciphertext digest that the ledger holds. Absent facts are left out.
 */
export function ledgerRecordExtension(facts: LedgerPlaceFacts): Extension {
  const values: Record<string, string | number | null | undefined> = {
    transaction: facts.txId,
    block: facts.blockNumber === null || facts.blockNumber === undefined ? null : Number(facts.blockNumber),
    recorded: facts.recordedAt,
    cid: facts.cid,
    ciphertextSha256: facts.ciphertextSha256,
  };
  const extension: Extension[] = [];
  for (const part of PARTS) {
    const value = values[part.name];
    if (value === null || value === undefined) continue;
    extension.push({ url: part.name, [VALUE_KEYS[part.type]]: value } as Extension);
  }
  return { url: LEDGER_RECORD_URL, extension };
}

/** The published definition of `ledger-record` (served at /fhir/R4/StructureDefinition/ledger-record). */
export function ledgerRecordDefinition(): StructureDefinition {
  const slices: ElementDefinition[] = PARTS.flatMap((part) => [
    {
      id: `Extension.extension:${part.name}`,
      path: 'Extension.extension',
      sliceName: part.name,
      short: part.short,
      definition: part.definition,
      min: part.min,
      max: '1',
    },
    { id: `Extension.extension:${part.name}.extension`, path: 'Extension.extension.extension', max: '0' },
    { id: `Extension.extension:${part.name}.url`, path: 'Extension.extension.url', fixedUri: part.name },
    {
      id: `Extension.extension:${part.name}.value[x]`,
      path: 'Extension.extension.value[x]',
      min: 1,
      type: [{ code: part.type }],
    },
  ]);
  return {
    resourceType: 'StructureDefinition',
    id: 'ledger-record',
    url: LEDGER_RECORD_URL,
    version: '1.0.0',
    name: 'LedgerRecord',
    title: 'Ledger record',
    status: 'active',
    publisher: 'MedLedger',
    description:
      'Where a resource’s facts sit on the MedLedger Hyperledger Fabric channel: the transaction that recorded them, its block and ledger time, and for a document the IPFS CID and the SHA-256 digest of its ciphertext. Anyone with the channel can check them; the resource is only as trustworthy as this proof.',
    fhirVersion: '4.0.1',
    kind: 'complex-type',
    abstract: false,
    context: ['DocumentReference', 'Consent', 'AuditEvent'].map((expression) => ({ type: 'element', expression })),
    type: 'Extension',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension',
    derivation: 'constraint',
    differential: {
      element: [
        {
          id: 'Extension',
          path: 'Extension',
          short: 'Ledger record',
          definition: 'Where this resource’s facts sit on the ledger.',
          min: 0,
          max: '1',
        },
        {
          id: 'Extension.extension',
          path: 'Extension.extension',
          slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'closed' },
          min: 1,
        },
        ...slices,
        { id: 'Extension.url', path: 'Extension.url', fixedUri: LEDGER_RECORD_URL },
        { id: 'Extension.value[x]', path: 'Extension.value[x]', max: '0' },
      ],
    },
  };
}
