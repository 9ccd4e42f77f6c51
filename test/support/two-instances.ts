import { createKeyWithCli, startServiceProcess, type ServiceProcess } from './service-process.js';
import { startTogether } from './start-together.js';
import { makeTempDir } from './temp-dir.js';

export interface TwoInstances {
  a: ServiceProcess;
  b: ServiceProcess;
  /** A `*` key of account acme, made with the CLI before either started. */
  admin: string;
  /** What both were started with, DATA_DIR included: for the CLI and direct reads of the log. */
  settings: Record<string, string>;
}

/**
 * Registers, in the calling describe, two service processes on one new DATA_DIR with `env`, started at once (as
 * instances on one new DATA_DIR are: their start-up writes to the shared files race), stopped and removed after
 * the suite. The object is filled in by beforeAll.
 */
export function twoInstancesOnOneStore(name: string, env: Record<string, string>): TwoInstances {
  const dir = makeTempDir(name);
  const instances = {} as TwoInstances;
  beforeAll(async () => {
    const settings = { ...env, DATA_DIR: dir.path };
    instances.settings = settings;
    instances.admin = createKeyWithCli(dir.path, [], settings).key;
    await startTogether([
      startServiceProcess(settings).then((started) => (instances.a = started)),
      startServiceProcess(settings).then((started) => (instances.b = started)),
    ]);
  }, 60_000);
  afterAll(async () => {
    for (const instance of [instances.a, instances.b]) {
      instance?.child.kill('SIGTERM');
      await instance?.exited;
    }
    dir.remove();
  });
  return instances;
}
