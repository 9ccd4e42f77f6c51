import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256OfFile, verifyBackupChecksum, writeBackupChecksum } from './backup-checksum.js';

describe("A backup's checksum file (<backup>.sha256, sha256sum's format)", () => {
  let dir: string;
  let backup: string;
  let deliveries: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-checksum-'));
    backup = join(dir, 'backup.sqlite');
    deliveries = `${backup}.deliveries.sqlite`;
    writeFileSync(backup, '{"keyId":"4f1c2d3e-0000-4000-8000-000000000001"}'.repeat(40_000));
    writeFileSync(deliveries, 'position 12');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists each file by its name beside it, so that sha256sum -c verifies it from that directory', () => {
    const digests = writeBackupChecksum(backup, [backup, deliveries]);
    expect(digests).toEqual([readFileSync(backup), readFileSync(deliveries)].map((bytes) => createHash('sha256').update(bytes).digest('hex')));
    expect(readFileSync(`${backup}.sha256`, 'utf8')).toBe(`${digests[0]}  backup.sqlite\n${digests[1]}  backup.sqlite.deliveries.sqlite\n`);
    const checked = spawnSync('sha256sum', ['-c', 'backup.sqlite.sha256'], { cwd: dir, encoding: 'utf8' });
    expect(checked.stdout).toBe('backup.sqlite: OK\nbackup.sqlite.deliveries.sqlite: OK\n');
    expect(checked.status).toBe(0);
    expect(() => writeBackupChecksum(backup, [backup])).toThrow(`${backup}.sha256 exists: back up into a new file`);
  });

  it('verifies the backup and its deliveries copy; absent, says so', () => {
    expect(verifyBackupChecksum(backup, deliveries)).toBe('absent');
    writeBackupChecksum(backup, [backup, deliveries]);
    expect(verifyBackupChecksum(backup, deliveries)).toBe('verified');
    // Written by hand, with the backup alone, as operations.md said before backup wrote it.
    rmSync(`${backup}.sha256`);
    writeFileSync(`${backup}.sha256`, `${sha256OfFile(backup).toUpperCase()} *${backup}\n`);
    expect(verifyBackupChecksum(backup, deliveries)).toBe('verified');
  });

  // A digit of a key id: the log stays JSON and whole to integrity_check; only the digest tells.
  it('refuses a backup with one byte changed inside a value, and a deliveries copy changed, naming both digests', () => {
    const [recorded, recordedDeliveries] = writeBackupChecksum(backup, [backup, deliveries]);
    const bytes = readFileSync(backup);
    bytes.write('2', bytes.indexOf('0001"', 1000) + 3);
    writeFileSync(backup, bytes);
    expect(() => verifyBackupChecksum(backup, deliveries)).toThrow(
      `${backup} does not match its checksum in ${backup}.sha256 (SHA-256 ${sha256OfFile(backup)}, recorded ${recorded}): changed since backup wrote it; it cannot be restored; nothing was changed`,
    );
    rmSync(`${backup}.sha256`);
    writeBackupChecksum(backup, [backup]);
    writeFileSync(`${backup}.sha256`, `${readFileSync(`${backup}.sha256`, 'utf8')}${recordedDeliveries}  backup.sqlite.deliveries.sqlite\n`);
    writeFileSync(deliveries, 'position 13');
    expect(() => verifyBackupChecksum(backup, deliveries)).toThrow(`${deliveries} does not match its checksum in ${backup}.sha256 (SHA-256 ${sha256OfFile(deliveries)}, recorded ${recordedDeliveries})`);
  });

  it('refuses a checksum file with no line for the backup, one listing a deliveries copy not beside it, and one not in the format', () => {
    writeBackupChecksum(backup, [backup, deliveries]);
    renameSync(deliveries, join(dir, 'elsewhere.sqlite'));
    expect(() => verifyBackupChecksum(backup, deliveries)).toThrow(
      `${backup}.sha256 lists backup.sqlite.deliveries.sqlite, which is not beside the backup (the webhook's position): copy it there, or remove its line to restore without it; nothing was changed`,
    );
    writeFileSync(`${backup}.sha256`, `${sha256OfFile(backup)}  other.sqlite\n`);
    expect(() => verifyBackupChecksum(backup, deliveries)).toThrow(`${backup}.sha256 has no line for backup.sqlite: name the backup it was written with`);
    writeFileSync(`${backup}.sha256`, `${sha256OfFile(backup)}\n`);
    expect(() => verifyBackupChecksum(backup, deliveries)).toThrow(`${backup}.sha256 is not in sha256sum's format (line 1)`);
  });
});
