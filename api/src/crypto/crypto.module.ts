import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { KEY_SERVICE } from './key-service.port.js';
import { LocalKeyService } from './local-key-service.js';

/** The KeyService: the local keyring under MASTER_KEY (a KMS can take its place behind the port). */
@Global()
@Module({
  providers: [
    {
      provide: KEY_SERVICE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new LocalKeyService(Buffer.from(config.MASTER_KEY, 'base64')),
    },
  ],
  exports: [KEY_SERVICE],
})
export class CryptoModule {}
