import 'reflect-metadata';
import { EndorseError } from '@hyperledger/fabric-gateway';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';
import { callApi } from '../support/api.js';
import { bearer, bootstrapAdmin, createStaff, jsonBody } from '../support/accounts.js';
import { connectAs, medledgerContract, peerClient } from '../support/gateway.js';
import { loadNetworkProfile } from '../support/network-profile.js';
import { storedLedgerIdentity } from '../support/stored-identities.js';

/**
 * Suspension is enforced by the peers themselves: the suspended doctor's old certificate,
 * used directly through the Fabric Gateway (bypassing the API), is refused once the API has
 * revoked it at the hospital's CA and published the CRL into the channel configuration.
 */
describe('a suspended doctor’s certificate, used directly against the peers', () => {
  let database: DataSource;

  beforeAll(async () => {
    database = await new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? '')).initialize();
  });

  afterAll(async () => {
    await database?.destroy();
  });

  it('is accepted before the suspension and refused by the peers after it', async () => {
    const admin = await bootstrapAdmin('hospital-a');
    const doctor = await createStaff(admin, 'doctor');
    const oldIdentity = await storedLedgerIdentity(database, doctor.id);
    const profile = loadNetworkProfile();
    const client = peerClient(profile, 'hospital-a');
    const gateway = connectAs(client, oldIdentity);
    try {
      const contract = medledgerContract(gateway, profile);
      await expect(contract.submitTransaction('Ping')).resolves.toBeDefined();

      const suspended = await callApi(`/api/v1/admin/users/${doctor.id}`, {
        method: 'PATCH',
        ...jsonBody({ status: 'suspended' }, bearer(admin.accessToken)),
      });
      expect(suspended.status).toBe(200);

      const refusal = contract.submitTransaction('Ping');
      await expect(refusal).rejects.toBeInstanceOf(EndorseError);
      // The peer refuses the creator (its certificate is on the CRL), not a transport failure.
      await expect(refusal).rejects.toMatchObject({
        details: expect.arrayContaining([
          expect.objectContaining({ message: expect.stringMatching(/access denied.*creator/i) }),
        ]),
      });
    } finally {
      gateway.close();
      client.close();
    }
  });
});
