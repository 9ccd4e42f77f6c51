// A throwaway PostgreSQL cluster for FerretDB's PostgreSQL backend (bench:stores' `mongodb-postgresql` store):
// initdb into a temporary directory, a free loopback port, no Unix socket outside that directory, stopped and
// deleted by stop() (killed if the benchmark exits first). Debian's server binaries (PG_BIN, else the newest
// /usr/lib/postgresql/<version>/bin); PostgreSQL refuses to run as root, so as root they run as the `postgres` user.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { freePort, HOST } from './common.mjs';

const OWNER = 'postgres';

/** The directory holding initdb, pg_ctl and postgres; null when this machine has none. */
export function postgresBinaries() {
  if (process.env.PG_BIN) {
    if (!existsSync(join(process.env.PG_BIN, 'pg_ctl'))) throw new Error(`PG_BIN=${process.env.PG_BIN} holds no pg_ctl`);
    return process.env.PG_BIN;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : null;
}

function postgresVersion(bin) {
  return (spawnSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout ?? '').trim().replace(/^postgres \(PostgreSQL\) /, '');
}

/** Runs one of the server's programs, as `postgres` when we are root; throws with its output when it fails. */
function run(bin, program, args) {
  const out = spawnSync(...asOwner(join(bin, program), args), { encoding: 'utf8', timeout: 60_000 });
  if (out.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (${out.status ?? out.signal}):\n${out.stdout}${out.stderr}`.slice(0, 3000));
  return out.stdout;
}

/**
 * Starts a cluster and creates `database` in it. `synchronous_commit = off`: a commit returns before its WAL
 * reaches the disk (fsync stays on, so the files stay consistent), as a MongoDB write with its default write
 * concern does not wait for the journal either.
 */
export async function startPostgres(bin, database) {
  const home = mkdtempSync(join(os.tmpdir(), 'parsesphere-bench-postgres-'));
  const dataDir = join(home, 'data');
  if (process.getuid?.() === 0) {
    const { uid, gid } = ownerIds();
    chownSync(home, uid, gid);
  }
  const port = await freePort();
  run(bin, 'initdb', ['-D', dataDir, '-A', 'trust', '-U', OWNER, '--no-sync']);
  const options = `-p ${port} -k ${home} -c listen_addresses=${HOST} -c synchronous_commit=off`;
  run(bin, 'pg_ctl', ['-D', dataDir, '-o', options, '-l', join(home, 'postgres.log'), '-w', '-t', '60', 'start']);
  const stopServer = () => spawnSync(...asOwner(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']), { stdio: 'ignore', timeout: 60_000 });
  process.once('exit', stopServer);
  try {
    run(bin, 'createdb', ['-h', HOST, '-p', String(port), '-U', OWNER, database]);
  } catch (error) {
    stopServer();
    throw error;
  }
  return {
    url: `postgres://${OWNER}@${HOST}:${port}/${database}`,
    version: postgresVersion(bin),
    dataBytes: () => Number(spawnSync('du', ['-sb', dataDir], { encoding: 'utf8' }).stdout.split('\t')[0]),
    stop: async () => {
      stopServer();
      process.removeListener('exit', stopServer);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The command line that runs `command` as `postgres` when we are root, as ourselves otherwise. */
function asOwner(command, args) {
  return process.getuid?.() === 0 ? ['runuser', ['-u', OWNER, '--', command, ...args]] : [command, args];
}

function ownerIds() {
  const id = (flag) => Number(spawnSync('id', [flag, OWNER], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error(`running as root, PostgreSQL needs a user named ${OWNER} to run as`);
  return { uid, gid: id('-g') };
}
