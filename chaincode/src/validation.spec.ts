import {
  parseReportIdsArgument,
  requireCommitmentHex,
  requireIntegerText,
  requireIsoTime,
  requireSha256Hex,
} from './validation';
import { commitment, digest, reportId } from './testing/fixtures';

describe('argument validation', () => {
  it.each(['0', '01', '1.5', '-1', ' 7', '1e2', '366', ''])('refuses %p as a duration from 1 to 365', (text) => {
    expect(() => requireIntegerText(text, 'durationDays', 1, 365)).toThrow(/^INVALID_ARGUMENT: durationDays/);
  });

  it('reads decimal integers within bounds', () => {
    expect(requireIntegerText('1', 'd', 1, 365)).toBe(1);
    expect(requireIntegerText('365', 'd', 1, 365)).toBe(365);
  });

  it.each([digest('x').toUpperCase(), digest('x').slice(1), `${digest('x')}0`, 'g'.repeat(64)])(
    'refuses %p as a SHA-256',
    (text) => expect(() => requireSha256Hex(text, 'sha')).toThrow(/^INVALID_ARGUMENT: sha/),
  );

  it('takes a keyed commitment by its format alone: 64 lower-case hex digits', () => {
    expect(requireCommitmentHex(commitment('reason'), 'reasonCommitment')).toBe(commitment('reason'));
    for (const text of ['Second opinion on the knee', commitment('reason').toUpperCase(), '']) {
      expect(() => requireCommitmentHex(text, 'reasonCommitment')).toThrow(/^INVALID_ARGUMENT: reasonCommitment/);
    }
  });

  it.each(['2026-01-01T00:00:00Z', '2026-02-30T00:00:00.000Z', '2026-01-01 00:00:00.000Z'])(
    'refuses %p as a ledger time',
    (text) => expect(() => requireIsoTime(text, 'at')).toThrow(/^INVALID_ARGUMENT: at/),
  );

  it('reads a scope: null for all reports, or a sorted list of distinct report IDs', () => {
    expect(parseReportIdsArgument('null', 'reportIds')).toBeNull();
    expect(parseReportIdsArgument(JSON.stringify([reportId(2), reportId(1)]), 'reportIds')).toEqual([
      reportId(1),
      reportId(2),
    ]);
  });

  it.each([
    ['an empty list', '[]'],
    ['a duplicate', JSON.stringify([reportId(1), reportId(1)])],
    ['a non-UUID', '["report-1"]'],
    ['an object', '{}'],
    ['not JSON', 'all'],
    ['the empty string', ''],
    ['101 reports', JSON.stringify(Array.from({ length: 101 }, (_, n) => reportId(n)))],
  ])('refuses %s as a scope', (_label, text) => {
    expect(() => parseReportIdsArgument(text, 'reportIds')).toThrow(/^INVALID_ARGUMENT: reportIds/);
  });
});
