import { join } from 'node:path';
import { builtModuleUrl, runModuleProcess } from '../../../test/support/module-process.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';

const BUILT = builtModuleUrl('infrastructure/sqlite/sqlite-api-key-read-model.js');

/** A process that opens the key views in `file` at `startAt` (ms since the epoch), as an instance starting does. */
function openAt(file: string, startAt: number): Promise<string> {
  const code = `
    import { SqliteApiKeyReadModel } from ${JSON.stringify(BUILT)};
    while (Date.now() < ${startAt});
    try {
      const readModel = new SqliteApiKeyReadModel(${JSON.stringify(file)});
      await readModel.close();
      process.stdout.write('opened');
    } catch (error) {
      process.stdout.write(error.message);
    }`;
  return runModuleProcess(code);
}

const ROUNDS = 16;
const PROCESSES = 3;

describe('SqliteApiKeyReadModel opened by several processes at once', () => {
  // Instances started together on one new DATA_DIR both add the key-policy columns: without the write lock taken
  // before the columns are read, one of them could find a column missing, then fail to add what the other just had.
  it('opens a new read-model file in each of three processes that open it at the same instant', async () => {
    const dir = makeTempDir('rm-columns-race-');
    const outcomes: string[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const file = join(dir.path, `race-${round}.sqlite`);
        const startAt = Date.now() + 400;
        outcomes.push(...(await Promise.all(Array.from({ length: PROCESSES }, () => openAt(file, startAt)))));
      }
    } finally {
      dir.remove();
    }
    expect(outcomes).toEqual(Array(ROUNDS * PROCESSES).fill('opened'));
  }, 60_000);
});
