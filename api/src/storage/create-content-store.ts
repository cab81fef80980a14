import type { ContentStore } from './content-store.port.js';
import { HeliaContentStore } from './helia-content-store.js';
import { KuboContentStore } from './kubo-content-store.js';

export type ContentStoreOptions = { kind: 'kubo'; kuboApiUrl: string } | { kind: 'helia'; heliaRepoPath: string };

/**
 * The one place that picks the ContentStore implementation: a Kubo node over its RPC API, or
 * an embedded Helia node with its repository in a folder. Both give the same CIDs.
 */
export async function createContentStore(options: ContentStoreOptions): Promise<ContentStore> {
  switch (options.kind) {
    case 'kubo':
      return new KuboContentStore({ apiUrl: options.kuboApiUrl });
    case 'helia':
      return HeliaContentStore.open({ repoPath: options.heliaRepoPath });
  }
}
