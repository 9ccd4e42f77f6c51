import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store.js';

describe('SqliteCheckpointStore', () => {
  // A damaged deliveries.sqlite ended the start on SQLite's bare "file is not a database": no file named, no advice.
  it('names a damaged file, and says what to do, rather than a bare "file is not a database"', () => {
    const dir = makeTempDir('deliveries-damaged-');
    try {
      const file = join(dir.path, 'deliveries.sqlite');
      writeFileSync(file, Buffer.alloc(4096, 0x5a));
      expect(() => new SqliteCheckpointStore(file)).toThrow(
        `The webhook's delivery position ${file} is damaged: file is not a database. Restore it from a backup (<copy>.deliveries.sqlite) or remove it`,
      );
    } finally {
      dir.remove();
    }
  });

  it('opens a sound file as before', async () => {
    const dir = makeTempDir('deliveries-sound-');
    try {
      const store = new SqliteCheckpointStore(join(dir.path, 'deliveries.sqlite'));
      await store.save('alert-webhook', 7);
      expect(await store.get('alert-webhook')).toBe(7);
      await store.close();
    } finally {
      dir.remove();
    }
  });
});
