import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_DIR } from '../support/network-profile.js';

interface ComposeFile {
  services: Record<string, { image?: string; build?: { dockerfile: string } }>;
}

/** docker-compose.yml cannot run on machines without Docker; this keeps it valid and in step with the scripts. */
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(PROJECT_DIR, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as ComposeFile;

  it('names every service the native scripts start', () => {
    const started = [
      'ca-orderer',
      'ca-hospitala',
      'ca-hospitalb',
      'orderer0',
      'peer0-hospitala',
      'peer0-hospitalb',
      'chaincode-hospitala',
      'chaincode-hospitalb',
      'postgres',
      'ipfs',
      'api',
    ];
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(started));
  });

  it('pins the same versions as the native build', () => {
    const binaries = readFileSync(path.join(PROJECT_DIR, 'scripts/lib/binaries.sh'), 'utf8');
    const pinned = (name: string) => new RegExp(`^${name}=(.+)$`, 'm').exec(binaries)?.[1];
    expect(compose.services['orderer0'].image).toBe(`hyperledger/fabric-orderer:${pinned('FABRIC_VERSION')}`);
    expect(compose.services['peer0-hospitala'].image).toBe(`hyperledger/fabric-peer:${pinned('FABRIC_VERSION')}`);
    expect(compose.services['ca-hospitala'].image).toBe(`hyperledger/fabric-ca:${pinned('FABRIC_CA_VERSION')}`);
    expect(compose.services['ipfs'].image).toBe(`ipfs/kubo:v${pinned('KUBO_VERSION')}`);
  });

  it('builds only from Dockerfiles that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build) {
        expect(() => readFileSync(path.join(PROJECT_DIR, service.build!.dockerfile))).not.toThrow();
      } else {
        expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/:\S+$/) });
      }
    }
  });
});
