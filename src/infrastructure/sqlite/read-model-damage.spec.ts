import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { damageTablePages } from '../../../test/support/damaged-pages.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { StoreDamagedError } from '../../shared/storage/store-damaged.error.js';
import { DAMAGE_MARK } from './read-model-damage.js';
import { setReadModelFilesAside } from './read-model-files.js';
import { SqliteReadModelStorage } from './sqlite-read-model-storage.js';

const POKE = "INSERT INTO checkpoints (projection, position) VALUES ('poke', 1) ON CONFLICT (projection) DO UPDATE SET position = position + 1";

describe('SqliteReadModelStorage on a read-model file SQLite finds damaged while it runs', () => {
  let dir: ReturnType<typeof makeTempDir>;
  const errors: string[] = [];
  const warnings: string[] = [];
  const open = (generation?: number) =>
    new SqliteReadModelStorage(dir.path, {
      walCheckpoints: false,
      onWarning: (message) => warnings.push(message),
      onError: (message) => errors.push(message),
      generation,
    });

  beforeEach(() => {
    dir = makeTempDir('read-model-damage');
    errors.length = 0;
    warnings.length = 0;
  });
  afterEach(() => dir.remove());

  const setAside = () => readdirSync(dir.path).filter((name) => name.includes('.corrupt-'));

  // Every read of it answered 500 (a bare SqliteError), each logged; nothing marked it for the next start.
  it('fails every call that meets it as StoreDamagedError, reported by one error line for every storage of the DATA_DIR, and fails their pings', async () => {
    const service = open();
    const thread = open(0); // the projection thread's storage, as it opens it
    const bystander = open(0);
    await (await service.apiKeyReadModel()).getMany(['k']);
    await (await thread.keyUsageReadModel()).getMany(['k']);
    damageTablePages(join(dir.path, 'read-model.sqlite'), 'api_keys', POKE);
    try {
      for (const storage of [service, service, thread]) {
        // The thread opens its key views only now: opening them reads the table (the name search's fill of folded names).
        const failure = storage.apiKeyReadModel().then((views) => views.findById('acme', 'k'));
        await expect(failure).rejects.toThrow(StoreDamagedError);
        await expect(failure).rejects.toMatchObject({ reported: true, message: expect.stringMatching(/read-model\.sqlite is damaged: database disk image is malformed$/) });
      }
      // Another table of the file reads on.
      expect((await (await thread.keyUsageReadModel()).getMany(['k'])).size).toBe(0);
      expect(errors).toEqual([
        expect.stringMatching(
          /^Read-model file .*read-model\.sqlite is damaged \(database disk image is malformed\): what reads it answers 503 .* restart the service .* at the start the read-model files are set aside/,
        ),
      ]);
      for (const storage of [service, thread, bystander]) await expect(storage.ping()).rejects.toThrow(/read-model\.sqlite is damaged: database disk image is malformed/);
      expect(existsSync(join(dir.path, DAMAGE_MARK))).toBe(true);
    } finally {
      await Promise.all([service.close(), thread.close(), bystander.close()]);
    }

    // Only the first opening of a process acts on the mark: the projection thread's would set the files aside under the request thread.
    await open(0).close();
    expect(setAside()).toEqual([]);
    const restarted = open();
    try {
      expect(warnings).toEqual([expect.stringMatching(/^Read-model file .*read-model\.sqlite was found damaged while a service ran \(database disk image is malformed, at .*\): the read-model files were renamed aside \(.*read-model\.sqlite\.corrupt-.*\) and the read models are rebuilt from the event log$/)]);
      expect(setAside().length).toBeGreaterThanOrEqual(1);
      expect(existsSync(join(dir.path, DAMAGE_MARK))).toBe(false);
      expect(await (await restarted.apiKeyReadModel()).findById('acme', 'k')).toBeNull();
      await restarted.ping();
    } finally {
      await restarted.close();
    }
  });

  it('leaves files made anew since the mark was left as they are, and removes the mark', async () => {
    const service = open();
    await (await service.apiKeyReadModel()).getMany(['k']);
    damageTablePages(join(dir.path, 'read-model.sqlite'), 'api_keys', POKE);
    await expect((await service.apiKeyReadModel()).getMany(['k'])).rejects.toThrow(StoreDamagedError);
    // Set aside and made anew meanwhile (another instance's start), while this one still holds the damaged file.
    setReadModelFilesAside(dir.path);
    const other = open(0);
    try {
      await expect(service.ping()).rejects.toThrow(StoreDamagedError);
      await other.ping();
    } finally {
      await Promise.all([service.close(), other.close()]);
    }
    const restarted = open();
    try {
      expect(warnings).toEqual([]);
      expect(existsSync(join(dir.path, DAMAGE_MARK))).toBe(false);
      expect(setAside().filter((name) => name.startsWith('read-model.sqlite.'))).toHaveLength(1);
      await restarted.ping();
    } finally {
      await restarted.close();
    }
  });

  it('leaves no mark for a file set aside and made anew since it was opened: the next start keeps the new one', async () => {
    const service = open();
    await (await service.apiKeyReadModel()).getMany(['k']);
    damageTablePages(join(dir.path, 'read-model.sqlite'), 'api_keys', POKE);
    // Set aside and made anew (another instance's start) before this one meets the damage in the file it holds.
    setReadModelFilesAside(dir.path);
    const other = open(0);
    try {
      await expect((await service.apiKeyReadModel()).getMany(['k'])).rejects.toThrow(StoreDamagedError);
      expect(errors).toHaveLength(1);
      expect(existsSync(join(dir.path, DAMAGE_MARK))).toBe(false);
      await other.ping();
    } finally {
      await Promise.all([service.close(), other.close()]);
    }
  });

  it('ignores a mark it cannot read, and removes it', async () => {
    writeFileSync(join(dir.path, DAMAGE_MARK), '{"file":');
    const storage = open();
    try {
      await storage.ping();
      expect(existsSync(join(dir.path, DAMAGE_MARK))).toBe(false);
    } finally {
      await storage.close();
    }
  });
});
