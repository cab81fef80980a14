import { describe, expect, it, jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { type AccessScope, AuditTrailRepository } from './audit-trail.repository.js';

const PATIENT_ID = '0b6a3f0e-2f7c-4c1e-9a55-6d2f1c3b4a10';

/** The statement and parameters of one access list, through a data source that records them. */
async function accessQueryOf(scope: AccessScope) {
  const query = jest.fn((_sql: string, _parameters: unknown[]) => Promise.resolve([]));
  await new AuditTrailRepository({ query } as unknown as DataSource).listAccesses(scope, {}, { limit: 51 });
  const [sql, parameters] = query.mock.calls[0];
  return { sql, parameters };
}

/** The value of the statement's `$n` that `reference` names. */
const parameterOf = (parameters: unknown[], reference: string) => parameters[Number(reference.slice(1)) - 1];

describe('AuditTrailRepository', () => {
  describe('listAccesses: a reader’s name', () => {
    it.each([
      ['the patient’s access log', { patientId: PATIENT_ID }],
      ['an auditor’s list and export', { hospitalMspId: 'HospitalAMSP' }],
    ] as const)(
      'in %s, is joined for a member of staff only: never a patient’s (one refused on another patient’s record)',
      async (_list, scope) => {
        const { sql, parameters } = await accessQueryOf(scope);

        const join = /LEFT JOIN users u ON (.*)$/m.exec(sql)![1];
        expect(join).toMatch(/^u\.id = a\.actor_id AND /);
        const staff = /a\.actor_role = ANY\((\$\d+)::text\[\]\)/.exec(join);
        expect(staff).not.toBeNull();
        expect([...(parameterOf(parameters, staff![1]) as string[])].sort()).toEqual(['admin', 'auditor', 'doctor']);
        // The account's role must be the certificate's too: no name of a patient under a staff role.
        expect(join).toContain('u.role = a.actor_role');
        // The name comes from that join only.
        expect(sql.match(/full_name/g)).toEqual(['full_name']);
        expect(sql).toContain('u.full_name AS "actorFullName"');
      },
    );
  });
});
