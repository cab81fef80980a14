import { InvalidInputError } from '../common/domain-error.js';
import { patientCriterion } from './patient-search.js';

describe('patientCriterion', () => {
  it('takes a UUID as a patient id, in lower case', () => {
    expect(patientCriterion(' 3F2504E0-4F89-11D3-9A0C-0305E82C3301 ')).toEqual({
      id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    });
  });

  it('takes a calendar date as a date of birth', () => {
    expect(patientCriterion('1990-12-10')).toEqual({ dateOfBirth: '1990-12-10' });
    expect(patientCriterion('2000-02-29')).toEqual({ dateOfBirth: '2000-02-29' });
  });

  it.each(['1990-02-31', '1900-02-29', '1990-13-01', '0000-01-01', '1990-00-10', '1990-04-31'])(
    'refuses %s, which has the form of a date but is none, with a 400 on the query',
    (query) => {
      const refused = (() => {
        try {
          patientCriterion(query);
        } catch (error) {
          return error;
        }
      })();
      expect(refused).toBeInstanceOf(InvalidInputError);
      expect((refused as InvalidInputError).details).toEqual({
        errors: [{ field: 'query', messages: [expect.any(String)] }],
      });
      // The value searched for is never repeated (answers and logs stay free of it).
      expect((refused as Error).message).not.toContain(query);
    },
  );

  it('takes anything else as terms of a name, each found anywhere in it', () => {
    expect(patientCriterion('lovel')).toEqual({ nameTerms: ['lovel'] });
    expect(patientCriterion('  Ada   Love ')).toEqual({ nameTerms: ['Ada', 'Love'] });
    expect(patientCriterion('1990')).toEqual({ nameTerms: ['1990'] });
    expect(patientCriterion('50%_off\\')).toEqual({ nameTerms: ['50%_off\\'] });
  });

  it('refuses a name search shorter than 2 characters once spaces are trimmed', () => {
    expect(() => patientCriterion(' a ')).toThrow(InvalidInputError);
    expect(() => patientCriterion('   ')).toThrow(InvalidInputError);
    expect(patientCriterion('Al')).toEqual({ nameTerms: ['Al'] });
  });
});
