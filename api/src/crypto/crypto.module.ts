import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { KEY_SERVICE } from './key-service.port.js';
import { LocalKeyService } from './local-key-service.js';
import { PatientKeysRepository } from './patient-keys.repository.js';
import { PatientKeysService } from './patient-keys.service.js';

/**
 * The KeyService (the local keyring under MASTER_KEY; a KMS can take its place behind the
 * port) and the patients' key-encryption keys under it.
 */
@Global()
@Module({
  providers: [
    {
      provide: KEY_SERVICE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new LocalKeyService(Buffer.from(config.MASTER_KEY, 'base64')),
    },
    PatientKeysRepository,
    PatientKeysService,
  ],
  exports: [KEY_SERVICE, PatientKeysService],
})
export class CryptoModule {}
