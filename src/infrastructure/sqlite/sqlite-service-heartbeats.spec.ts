import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { SqliteServiceHeartbeats } from './sqlite-service-heartbeats.js';

describe('SqliteServiceHeartbeats on a damaged file', () => {
  let dir: ReturnType<typeof makeTempDir>;

  beforeEach(() => {
    dir = makeTempDir('heartbeats');
  });
  afterEach(() => dir.remove());

  // Every command that reads it (replay, list...) ended on a bare "file is not a database".
  it('sets it aside with one warning and starts a new one: it holds only heartbeats', async () => {
    const file = join(dir.path, 'service-heartbeats.sqlite');
    const garbage = Buffer.alloc(8192, 'garbage ');
    writeFileSync(file, garbage);
    const warnings: string[] = [];
    const heartbeats = new SqliteServiceHeartbeats(file, { onWarning: (message) => warnings.push(message) });
    try {
      await heartbeats.beat({ holder: 'a', host: 'h', pid: 1, beatAt: new Date(5000) });
      expect(await heartbeats.since(new Date(0))).toEqual([{ holder: 'a', host: 'h', pid: 1, beatAt: new Date(5000) }]);
    } finally {
      await heartbeats.close();
    }
    expect(warnings).toEqual([
      expect.stringMatching(/^Heartbeats file .*service-heartbeats\.sqlite is corrupt \(file is not a database\): it was renamed aside \(.*service-heartbeats\.sqlite\.corrupt-.*\) and a new one made; .*nothing is lost$/),
    ]);
    const [aside] = readdirSync(dir.path).filter((name) => name.startsWith('service-heartbeats.sqlite.corrupt-'));
    expect(readFileSync(join(dir.path, aside)).equals(garbage)).toBe(true);
  });

  it('opens a sound file without a word', async () => {
    const file = join(dir.path, 'service-heartbeats.sqlite');
    const warnings: string[] = [];
    const onWarning = (message: string) => warnings.push(message);
    await new SqliteServiceHeartbeats(file, { onWarning }).close();
    await new SqliteServiceHeartbeats(file, { onWarning }).close();
    expect(warnings).toEqual([]);
  });
});
