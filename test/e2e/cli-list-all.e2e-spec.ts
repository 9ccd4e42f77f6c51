import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { childEnv } from '../support/child-env.js';
import { dropMongoDatabase, whenMongo } from '../support/mongodb-fixture.js';
import { seedEmbeddedLog } from '../support/seed-log.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * Keys of the listed account: more than one batch of listAll (500) on every read model, and more than a page (100) of
 * names that start with 'KEY 1' (155) and of revoked keys (120). Each page is one CLI run: 1,300 keys took 57 a read model.
 */
const KEYS = 600;
const PAGE = 100;

/**
 * The output contract of `list --all`: the keys of every page of `list`, followed by hand with --starting-after, in the same
 * order, in one listing: the JSON document whose data is the pages' data concatenated (has_more false), and a table whose
 * rows are the pages' rows (padding aside: a table pads to the widest cell it has met). Run on the embedded read model and,
 * with MONGODB_URL, on MongoDB (FerretDB in CI), filled by the CLI's catch-up from one seeded log.
 */
function listAllContract(readModel: 'sqlite' | 'mongodb', url?: string) {
  describe(`CLI list --all: every page, in order, in one listing (${readModel})`, () => {
    const dir = makeTempDir('cli-list-all');
    const mongoDb = `psk_test_${randomUUID().replaceAll('-', '')}`;
    const env = { DATA_DIR: dir.path, ...(url ? { MONGODB_URL: url, MONGODB_DB: mongoDb } : {}) };
    const runCli = (...args: string[]) => {
      const cli = spawnSync(process.execPath, ['dist/cli.js', 'list', '--account', 'acct_0', ...args], { encoding: 'utf8', env: childEnv(env), maxBuffer: 64 * 1024 * 1024 });
      // A page but the last says on stderr how to get the next: only --all's stderr must be empty.
      expect({ status: cli.status, stderr: args.includes('--all') || !cli.stderr.startsWith('More keys: ') ? cli.stderr : '' }).toEqual({ status: 0, stderr: '' });
      return cli.stdout;
    };
    /** Every page of `list` at these options, as an operator follows them (the last id of each page as --starting-after). */
    const pages = (from: string | null, ...args: string[]) => {
      const outputs: string[] = [];
      let after = from;
      for (;;) {
        const json = JSON.parse(runCli('--json', '--limit', String(PAGE), ...args, ...(after ? ['--starting-after', after] : []))) as { data: Array<{ id: string }>; has_more: boolean };
        outputs.push(JSON.stringify(json.data));
        if (!json.has_more) return outputs;
        after = json.data.at(-1)!.id;
      }
    };
    /**
     * The pages of `list --json` from the first key, no filter: read once (6 CLI runs a read model) and compared by both
     * the JSON and the table test, which each read them again before (the log and the views are not changed in this file).
     */
    let firstPages: Array<Array<{ id: string }>> | undefined;
    const jsonPages = () => (firstPages ??= pages(null).map((page) => JSON.parse(page) as Array<{ id: string }>));
    /** The `list --table` page at each of those pages' cursors, as an operator follows them. */
    const tablePages = () =>
      jsonPages().map((_, n, all) => runCli('--table', '--limit', String(PAGE), ...(n > 0 ? ['--starting-after', all[n - 1].at(-1)!.id] : [])));
    const cells = (table: string) =>
      table
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/ {2,}/));

    beforeAll(async () => {
      await seedEmbeddedLog(dir.path, 2 * KEYS, 2);
    });
    afterAll(async () => {
      if (url) await dropMongoDatabase(url, mongoDb);
      dir.remove();
    });

    it('prints as JSON the document of every page: their data concatenated, has_more false', () => {
      const all = runCli('--all', '--json');
      const data = jsonPages().flat();
      expect(data).toHaveLength(KEYS);
      expect(all).toBe(`${JSON.stringify({ data, has_more: false }, null, 2)}\n`);
    }, 300_000);

    it('prints from --starting-after, with a search and with --status the same as the pages', () => {
      const first = JSON.parse(runCli('--json', '--limit', '7')) as { data: Array<{ id: string }> };
      const after = first.data.at(-1)!.id;
      const data = pages(after).flatMap((page) => JSON.parse(page) as unknown[]);
      expect(JSON.parse(runCli('--all', '--json', '--starting-after', after))).toEqual({ data, has_more: false });
      const named = pages(null, '--name-prefix', 'KEY 1').flatMap((page) => JSON.parse(page) as unknown[]);
      expect(named.length).toBeGreaterThan(PAGE);
      expect(JSON.parse(runCli('--all', '--json', '--name-prefix', 'KEY 1'))).toEqual({ data: named, has_more: false });
      const revoked = pages(null, '--status', 'revoked').flatMap((page) => JSON.parse(page) as Array<{ status: string }>);
      expect(revoked.length).toBeGreaterThan(PAGE);
      expect(revoked.every(({ status }) => status === 'revoked')).toBe(true);
      expect(JSON.parse(runCli('--all', '--json', '--status', 'revoked'))).toEqual({ data: revoked, has_more: false });
    }, 300_000);

    it('prints as a table one header and the rows of every page, line for line', () => {
      const pageTables = tablePages().map(cells);
      const all = cells(runCli('--all', '--table'));
      expect(all[0]).toEqual(pageTables[0][0]);
      expect(all.slice(1)).toEqual(pageTables.flatMap((table) => table.slice(1)));
      expect(all).toHaveLength(KEYS + 1);
    }, 300_000);
  });
}

listAllContract('sqlite');
whenMongo('CLI list --all on MongoDB', (url) => listAllContract('mongodb', url));
