import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { CONTENT_STORE, type ContentStore } from './content-store.port.js';
import { createContentStore } from './create-content-store.js';

/** The configured ContentStore: a Kubo node over its RPC API, or an embedded Helia node. */
@Module({
  providers: [
    {
      provide: CONTENT_STORE,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Promise<ContentStore> =>
        config.CONTENT_STORE === 'kubo'
          ? createContentStore({ kind: 'kubo', kuboApiUrl: config.IPFS_API_URL })
          : createContentStore({ kind: 'helia', heliaRepoPath: config.HELIA_REPO_PATH }),
    },
  ],
  exports: [CONTENT_STORE],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(CONTENT_STORE) private readonly store: ContentStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
