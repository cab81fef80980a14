import { randomBytes } from 'node:crypto';
import { LocalKeyService } from './local-key-service.js';
import type { MasterKeyHolder, MasterKeyHoldersRepository } from './master-key-holders.repository.js';
import { masterKeyring, type MasterKeyring } from './master-keys.js';
import { MasterKeyringFollower } from './master-keyring-follower.js';

describe('MasterKeyringFollower', () => {
  const [oldKey, newKey] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
  let source: MasterKeyring;
  let reports: MasterKeyHolder[];
  let removed: string[];
  let keys: LocalKeyService;
  let follower: MasterKeyringFollower;

  beforeEach(() => {
    source = masterKeyring(oldKey);
    reports = [];
    removed = [];
    keys = new LocalKeyService(source, async () => source);
    const holders = {
      report: async (holder: MasterKeyHolder) => void reports.push(holder),
      remove: async (instanceId: string) => void removed.push(instanceId),
    };
    follower = new MasterKeyringFollower(keys, holders as unknown as MasterKeyHoldersRepository);
  });
  afterEach(() => follower.onApplicationShutdown());

  it('reports the key ids it holds at start (ids, never keys)', async () => {
    follower.onApplicationBootstrap();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reports).toEqual([
      expect.objectContaining({ followsFile: true, sealingKeyId: keys.keyId, keyIds: [keys.keyId], pid: process.pid }),
    ]);
    expect(JSON.stringify(reports)).not.toContain(oldKey);
  });

  it('takes the keys of the file when told (SIGHUP), reports them at once, and removes its report at shutdown', async () => {
    follower.onApplicationBootstrap();
    source = masterKeyring(newKey, oldKey);
    process.emit('SIGHUP', 'SIGHUP');
    await follower.refresh();
    const last = reports[reports.length - 1]!;
    expect(last.sealingKeyId).toBe(keys.keyId);
    expect(last.keyIds).toHaveLength(2);

    await follower.onApplicationShutdown();
    expect(removed).toEqual([last.instanceId]);
    expect(process.listenerCount('SIGHUP')).toBe(0);
  });

  it('keeps its keys when the file cannot be read', async () => {
    const failing = new LocalKeyService(source, () => Promise.reject(new Error('EACCES')));
    const quiet = new MasterKeyringFollower(failing, {
      report: async () => undefined,
      remove: async () => undefined,
    } as unknown as MasterKeyHoldersRepository);
    await expect(quiet.refresh()).resolves.toBeUndefined();
    expect(failing.keyIds).toEqual([keys.keyId]);
  });
});
