import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { KEY_SERVICE } from './key-service.port.js';
import { LocalKeyService } from './local-key-service.js';
import { MasterKeyHoldersRepository } from './master-key-holders.repository.js';
import { masterKeyring } from './master-keys.js';
import { MasterKeyringFollower } from './master-keyring-follower.js';
import { PatientKeysRepository } from './patient-keys.repository.js';
import { PatientKeysService } from './patient-keys.service.js';
import { readKeyringFile } from './secrets-file.js';

/**
 * The KeyService (the local keyring of MASTER_KEY and, during a rotation,
 * MASTER_KEY_PREVIOUS, following MASTER_KEY_FILE when set; a KMS can take its place behind
 * the port) and the patients' key-encryption keys under it.
 */
@Global()
@Module({
  providers: [
    {
      provide: LocalKeyService,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const file = config.MASTER_KEY_FILE;
        return new LocalKeyService(
          masterKeyring(config.MASTER_KEY, config.MASTER_KEY_PREVIOUS),
          file ? () => readKeyringFile(file) : undefined,
        );
      },
    },
    { provide: KEY_SERVICE, useExisting: LocalKeyService },
    MasterKeyHoldersRepository,
    MasterKeyringFollower,
    PatientKeysRepository,
    PatientKeysService,
  ],
  exports: [KEY_SERVICE, PatientKeysService],
})
export class CryptoModule {}
