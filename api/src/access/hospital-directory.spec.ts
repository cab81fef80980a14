import { describe, expect, it } from '@jest/globals';
import { HospitalNotFoundError } from './access.errors.js';
import { hospitalDirectory } from './testing/consent-fixtures.js';

describe('HospitalDirectory', () => {
  describe('mspOf', () => {
    it.each([
      ['hospital-a', 'HospitalAMSP'],
      ['hospital-b', 'HospitalBMSP'],
    ])('finds the MSP ID of %s (%s)', (hospital, mspId) => {
      expect(hospitalDirectory().mspOf(hospital)).toBe(mspId);
    });

    it.each(['hospital-z', 'HospitalAMSP', 'Hospital-A', ''])(
      'answers HOSPITAL_NOT_FOUND (404) for a name the network does not know (%j)',
      (hospital) => {
        let refusal: unknown;
        try {
          hospitalDirectory().mspOf(hospital);
        } catch (error) {
          refusal = error;
        }

        expect(refusal).toBeInstanceOf(HospitalNotFoundError);
        expect(refusal).toMatchObject({ code: 'HOSPITAL_NOT_FOUND', status: 404 });
      },
    );
  });

  describe('nameOf', () => {
    it.each([
      ['HospitalAMSP', 'hospital-a'],
      ['HospitalBMSP', 'hospital-b'],
    ])('finds the name of %s (%s)', (mspId, hospital) => {
      expect(hospitalDirectory().nameOf(mspId)).toBe(hospital);
    });

    it('answers an MSP ID the profile does not list as it is', () => {
      expect(hospitalDirectory().nameOf('HospitalZMSP')).toBe('HospitalZMSP');
    });

    it('finds nothing (null) for an MSP ID or a name the profile does not list, where asked to find', () => {
      const hospitals = hospitalDirectory();

      expect(hospitals.findNameOf('HospitalZMSP')).toBeNull();
      expect(hospitals.findNameOf('HospitalAMSP')).toBe('hospital-a');
      expect(hospitals.findMspOf('hospital-z')).toBeNull();
      expect(hospitals.findMspOf('hospital-b')).toBe('HospitalBMSP');
    });

    it('turns each hospital’s MSP ID back into its name', () => {
      const hospitals = hospitalDirectory();

      for (const hospital of ['hospital-a', 'hospital-b']) {
        expect(hospitals.nameOf(hospitals.mspOf(hospital))).toBe(hospital);
      }
    });
  });
});
