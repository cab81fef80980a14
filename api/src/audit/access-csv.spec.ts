import { describe, expect, it } from '@jest/globals';
import { ACCESS_CSV_HEADER, accessCsv, accessCsvLine } from './access-csv.js';
import type { AccessEntry } from './audit-entries.js';
import { csvField, csvLine } from './csv.js';

const ENTRY: AccessEntry = {
  txId: 'a3f1c0d2e4b5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff',
  blockNumber: 42,
  at: new Date('2026-11-21T10:00:00.250Z'),
  outcome: 'refused',
  refusalCode: 'GRANT_EXPIRED',
  reportId: '6f1d2c3b-4a59-4e8f-9d0c-1b2a3c4d5e6f',
  patientId: '0b6a3f0e-2f7c-4c1e-9a55-6d2f1c3b4a10',
  reportType: 'lab-result',
  actor: {
    id: '5f0c1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f',
    role: 'doctor',
    hospital: 'hospital-b',
    fullName: 'Dr. "Bo" Larsen, MD',
  },
  basis: null,
  grantId: '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b',
  granteeKind: 'doctor',
  purposeOfUse: 'TREAT',
};

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

async function* pagesOf(...pages: AccessEntry[][]) {
  for (const page of pages) yield page;
}

describe('CSV fields', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', '"\'\rCR"'],
    ['a=b', 'a=b'],
  ])('writes %j as %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('writes null as an empty field and numbers as they are', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
    expect(csvLine(['a', null, 3])).toBe('a,,3\r\n');
  });
});

describe('the access export', () => {
  it('has a header naming every column of the access row', () => {
    expect(ACCESS_CSV_HEADER).toBe(
      'at,txId,blockNumber,outcome,refusalCode,reportId,reportType,patientId,actorId,actorRole,actorHospital,' +
        'actorFullName,basis,grantId,granteeKind,purposeOfUse\r\n',
    );
  });

  it('writes one access as one line, escaped', () => {
    expect(accessCsvLine(ENTRY)).toBe(
      `2026-11-21T10:00:00.250Z,${ENTRY.txId},42,refused,GRANT_EXPIRED,${ENTRY.reportId},lab-result,` +
        `${ENTRY.patientId},${ENTRY.actor.id},doctor,hospital-b,"Dr. ""Bo"" Larsen, MD",,${ENTRY.grantId},doctor,TREAT\r\n`,
    );
  });

  it('writes the header, then every page, and only the header when there is nothing', async () => {
    const other = { ...ENTRY, txId: 'b'.repeat(64), actor: { ...ENTRY.actor, fullName: null } };
    const text = await collect(accessCsv(pagesOf([ENTRY], [other])));
    expect(text).toBe(ACCESS_CSV_HEADER + accessCsvLine(ENTRY) + accessCsvLine(other));
    expect(text.split('\r\n')).toHaveLength(4);
    expect(await collect(accessCsv(pagesOf([])))).toBe(ACCESS_CSV_HEADER);
  });
});
